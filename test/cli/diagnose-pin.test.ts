import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { ROOT, isolatedEnv, ukey } from '../helpers/cli.js'
import { SOFTHSM_MODULE } from '../helpers/softhsm.js'

// PINs that cannot occur by chance in other output (serials, ids, dates are hex or digits).
const PIN = 'Dq-60722-k'
const WRONG = 'Wq-31815-z'
let dir: string
beforeAll(async () => {
  dir = join(mkdtempSync(join(tmpdir(), 'ukey-diag-pin-')), 'lab')
  expect((await ukey(['lab', 'init', '--dir', dir, '--key', 'ec-p256', '--pin-stdin'], { stdin: `${PIN}\n` })).code).toBe(0)
})

const LANGS = { zh: 'zh_CN.UTF-8', en: 'en_US.UTF-8' } as const
type L = keyof typeof LANGS

/** The same words in both languages: what the test waits for and what it expects on screen. */
const W = {
  pinPrompt: { zh: '的 PIN 码（直接回车', en: 'PIN for USB key "ukey-lab"' },
  retryPrompt: { zh: 'PIN 码错误，网银盾报告：曾输错。请再输入一次', en: 'Wrong PIN — the key reports: wrong PIN entered. PIN for USB key "ukey-lab"' },
  persists: { zh: '仍然出现该错误', en: 'still get the error' },
  keygen: { zh: '测试生成密钥对', en: 'test key pair' },
  action: { zh: '结论：需要处理（退出码 20）', en: 'Verdict: action needed (exit 20)' },
  ok: { zh: '结论：未发现问题（退出码 0）', en: 'Verdict: nothing wrong found (exit 0)' },
  faulty: { zh: '退出码 21', en: 'exit 21' },
  signed: { zh: '签名能用证书验证', en: 'the signature verifies against the certificate' },
  keyWorks: { zh: '网银盾是好的', en: 'The USB key works' },
  unchecked: { zh: '? 未能检查：', en: '? not checked:' },
  notChecked: { zh: '有检查未能完成', en: 'Not everything could be checked' },
  tool: { zh: '重新安装最新版本，插入网银盾', en: 'reinstall the latest one from the bank\'s site, insert the USB key' },
} as const

/** The CLI in a real pseudo-terminal: each [text, answer] waits for the text, types the answer and Enter. */
function inTerminal(args: string[], dialogue: Array<[string, string]>, lang: L, env: Record<string, string> = {}): { out: string; status: number | null } {
  const r = spawnSync('python3', [join(ROOT, 'test/helpers/pty-run.py'), '60', ...dialogue.flat(), '--', process.execPath, join(ROOT, 'bin/run.js'), 'diagnose', ...args, '--lab', '--lab-dir', dir], {
    env: isolatedEnv({ CI: undefined, TERM: 'xterm-256color', NO_COLOR: '1', LANG: LANGS[lang], ...env }),
    encoding: 'utf8',
  })
  return { out: r.stdout, status: r.status }
}

/** The verdict box's text, its wrapped lines joined again (English breaks at spaces, Chinese anywhere). */
function boxText(out: string, lang: L): string {
  const box = out.slice(out.lastIndexOf('┌'), out.lastIndexOf('└'))
  const lines = box.split('\n').filter((l) => l.startsWith('│')).map((l) => l.slice(2).replace(/\s*│\s*$/, ''))
  return lines.join(lang === 'en' ? ' ' : '')
}

/** The independent witness: the lab token's flags as pkcs11-tool lists them (SoftHSM2 adds "user PIN count low" after a wrong login). */
function tokenFlags(): string {
  const out = execFileSync('pkcs11-tool', ['--module', SOFTHSM_MODULE, '-L'], { env: { ...process.env, SOFTHSM2_CONF: join(dir, 'softhsm2.conf') }, encoding: 'utf8' })
  const block = out.split(/\nSlot /).find((b) => b.includes('ukey-lab'))!
  return /token flags\s*:\s*(.*)/.exec(block)![1]!
}

describe.each(['zh', 'en'] as const)('diagnose PIN handling (%s)', (lang) => {
  it('Enter at the PIN prompt skips: no login (token flags unchanged), the checks needing it unknown, exit 20 not 0', () => {
    const before = tokenFlags()
    expect(before).not.toContain('count low')
    const { out, status } = inTerminal(['403.7'], [[W.pinPrompt[lang], ''], [W.persists[lang], 'n']], lang)
    expect(tokenFlags()).toBe(before)
    expect(out).toContain(W.unchecked[lang])
    expect(out).toContain(W.notChecked[lang])
    expect(out).toContain(W.action[lang])
    expect(out).not.toContain(W.ok[lang])
    expect(status).toBe(20)
  })

  it('a wrong PIN: a second prompt with what the key reports, then the right PIN: the walk completes (exit 0)', () => {
    const { out, status } = inTerminal(['403.7'], [[W.pinPrompt[lang], WRONG], [W.retryPrompt[lang], PIN], [W.persists[lang], 'n']], lang)
    expect(out).toContain(W.retryPrompt[lang])
    expect(out).toContain(W.signed[lang])
    expect(out).toContain(W.ok[lang])
    expect(out).not.toContain(PIN)
    expect(out).not.toContain(WRONG)
    // The right PIN on the second try: SoftHSM2 clears its count-low flag.
    expect(tokenFlags()).not.toContain('count low')
    expect(status).toBe(0)
  })

  it('403.7, every check passing, "persists: yes": the key works (evidence shown), exit 20, never 21', () => {
    const { out, status } = inTerminal(['403.7'], [[W.pinPrompt[lang], PIN], [W.persists[lang], 'y']], lang)
    const box = boxText(out, lang)
    expect(box).toContain(W.action[lang])
    expect(box).toContain(W.keyWorks[lang])
    expect(box).toContain(W.signed[lang])
    expect(out).not.toContain(W.faulty[lang])
    // "yes, it persists" is bad news: ✖, not a green tick.
    expect(out).toMatch(/✖ [^\n]*(仍然出现该错误|still get the error)/)
    expect(status).toBe(20)
  })

  it('0116, a wrong PIN twice then "persists: yes": not "buy a new key" (exit 20)', async () => {
    const { out, status } = inTerminal(['0116'], [[W.pinPrompt[lang], WRONG], [W.retryPrompt[lang], WRONG], [W.persists[lang], 'y']], lang)
    expect(out).toContain(W.unchecked[lang])
    expect(out).not.toContain(W.faulty[lang])
    expect(status).toBe(20)
    expect(tokenFlags()).toContain('count low')
    // The right PIN once (stdin, no prompt) clears SoftHSM2's count-low flag for the next test.
    expect((await ukey(['diagnose', '403.7', '--lab', '--lab-dir', dir, '--no-input', '--pin-stdin'], { stdin: `${PIN}\n` })).code).toBe(0)
    expect(tokenFlags()).not.toContain('count low')
  })

  it('the vendor module missing: the management-tool remedy (FAQ 2 / 10.3), with "insert the key"', () => {
    const { out, status } = inTerminal(['0124'], [], lang, { UKEY_PKCS11_MODULE: '/nonexistent.so' })
    expect(boxText(out, lang)).toContain(W.tool[lang])
    expect(status).toBe(20)
  })

  it('the health check, module missing: the same management-tool remedy, and what it could not check', async () => {
    const r = await ukey(['diagnose', '--lab', '--lab-dir', dir, '--no-input', '--lang', lang === 'zh' ? 'zh-CN' : 'en'], { env: { UKEY_PKCS11_MODULE: '/nonexistent.so' } })
    const box = boxText(r.stdout, lang)
    expect(box).toContain(W.tool[lang])
    expect(box).toContain(W.unchecked[lang])
    expect(r.code).toBe(20)
  })

  it('Ctrl-C at the PIN prompt cancels the walk: exit 130, no later step', () => {
    const { out, status } = inTerminal(['403.7'], [[W.pinPrompt[lang], '\x03']], lang)
    expect(out).not.toContain(W.persists[lang])
    expect(out).not.toContain('┌')
    expect(status).toBe(130)
  })
})
