import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { ROOT, isolatedEnv, ukey } from '../helpers/cli.js'

// A PIN that cannot occur by chance in other output (serials, ids, dates are hex or digits).
const PIN = 'Dq-60722-k'
let dir: string
beforeAll(async () => {
  dir = join(mkdtempSync(join(tmpdir(), 'ukey-diag-tty-')), 'lab')
  expect((await ukey(['lab', 'init', '--dir', dir, '--key', 'ec-p256', '--pin-stdin'], { stdin: `${PIN}\n` })).code).toBe(0)
})

/**
 * The CLI in a real pseudo-terminal (30×100), a technician at the keyboard:
 * each [text, answer] waits for the text on screen, then types the answer and Enter.
 */
function inTerminal(args: string[], dialogue: Array<[string, string]>, lang: string): { out: string; status: number | null } {
  const r = spawnSync('python3', [join(ROOT, 'test/helpers/pty-run.py'), '60', ...dialogue.flat(), '--', process.execPath, join(ROOT, 'bin/run.js'), 'diagnose', ...args, '--lab', '--lab-dir', dir], {
    env: isolatedEnv({ CI: undefined, TERM: 'xterm-256color', NO_COLOR: '1', LANG: lang }),
    encoding: 'utf8',
  })
  return { out: r.stdout, status: r.status }
}

describe('diagnose in a terminal: questions asked, answered both ways', () => {
  it('en, 403.7: the PIN at its masked prompt, then "does the error persist?" — yes: the key just signed, so it works (exit 20, never 21)', () => {
    const { out, status } = inTerminal(['403.7'], [['PIN for USB key', PIN], ['still get the error', 'y']], 'en_US.UTF-8')
    expect(out).toContain('PIN for USB key "ukey-lab"')
    expect(out).toContain('the USB key signed; the signature verifies against the certificate')
    expect(out).toContain('After these steps, does the customer still get the error when retrying? — answered yes')
    expect(out).toContain('Verdict: action needed (exit 20)')
    expect(out).not.toContain('exit 21')
    expect(out).not.toContain(PIN)
    expect(status).toBe(20)
  })

  it('en, 403.7: no — nothing wrong found (exit 0)', () => {
    const { out, status } = inTerminal(['403.7'], [['PIN for USB key', PIN], ['still get the error', 'n']], 'en_US.UTF-8')
    expect(out).toContain('— answered no')
    expect(out).toContain('Verdict: nothing wrong found (exit 0)')
    expect(status).toBe(0)
  })

  it('zh, 0124: consent to the test key generation — yes: PIN, generated and deleted (exit 0)', () => {
    const { out, status } = inTerminal(['0124'], [['测试生成密钥对', 'y'], ['的 PIN 码', PIN]], 'zh_CN.UTF-8')
    expect(out).toContain('请输入网银盾“ukey-lab”')
    expect(out).toContain('已生成测试密钥对（EC P-256）并删除')
    expect(out).toContain('结论：未发现问题（退出码 0）')
    expect(out).not.toContain(PIN)
    expect(status).toBe(0)
  })

  it('zh, 0124: no — the check is not run, nothing written, no PIN asked; not "nothing wrong" (exit 20)', () => {
    const { out, status } = inTerminal(['0124'], [['测试生成密钥对', 'n']], 'zh_CN.UTF-8')
    expect(out).toContain('技术人员选择不测试')
    expect(out).not.toContain('PIN 码”')
    expect(out).not.toContain('请输入网银盾')
    expect(out).toContain('? 未能检查：')
    expect(status).toBe(20)
  })

  it('zh, 0116: "still the error?" — yes: the key signed, the fault is elsewhere (exit 20), in Chinese', () => {
    const { out, status } = inTerminal(['0116'], [['的 PIN 码', PIN], ['仍然出现该错误', 'y']], 'zh_CN.UTF-8')
    expect(out).toContain('回答：是')
    expect(out).toContain('结论：需要处理（退出码 20）')
    expect(out).toContain('网银盾是好的')
    expect(out).not.toContain('退出码 21')
    expect(status).toBe(20)
  })

  it('--no-input on a terminal asks nothing: the question is unknown', () => {
    const { out, status } = inTerminal(['403.7', '--no-input'], [], 'en_US.UTF-8')
    expect(out).not.toContain('(y/N)')
    expect(out).not.toContain('PIN for USB key')
    expect(out).toContain('not asked (no one to answer): unknown')
    // No PIN: the signature test never ran, so the verdict cannot be "nothing wrong".
    expect(status).toBe(20)
  })
})

describe('diagnose without a terminal never waits', () => {
  it('stdin an open pipe that never ends, no CI variable: every question unknown, the run ends by itself', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/run.js'), 'diagnose', '0124', '--lab', '--lab-dir', dir, '--json'], {
      env: isolatedEnv({ CI: undefined }),
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    const out: Buffer[] = []
    child.stdout.on('data', (d: Buffer) => out.push(d))
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    child.stdin.destroy()
    const doc = JSON.parse(Buffer.concat(out).toString('utf8'))
    expect(doc.steps.find((s: { checkIds: string[] }) => s.checkIds.includes('test-keygen'))).toMatchObject({ outcome: 'unknown' })
    expect(code).toBe(20)
  })
})
