import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { ROOT, fixture, isolatedEnv, ukey } from '../helpers/cli.js'
import { strayWords } from '../helpers/zh-words.js'

// Issue 13, "Chinese screens are Chinese": help, usage errors and prompts in the
// user's language, on the built CLI as a technician runs it (LANG=zh_CN.UTF-8).
const ZH = { LANG: 'zh_CN.UTF-8' }
/** Words a person types, shown as such in help: command names and flag values. */
const TYPED = ['check-window', 'detect', 'diagnose', 'exit-codes', 'help', 'init', 'reset', 'samples', 'serve', 'status', 'renew', 'show-cert', 'zh', 'en',
  'xml', 'table', 'json', 'ndjson', 'csv', 'prometheus', 'tomorrow', 'chek-window',
  'completion', 'version', 'text', 'bash', 'zsh', 'fish', 'powershell']

describe('help in Chinese under a zh locale, rendered from the catalogues', () => {
  it('`ukey --help`: every command with its summary, no English words beyond names', async () => {
    const r = await ukey(['--help'], { env: ZH })
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('用法')
    expect(r.stdout).toMatch(/^ {2}renew +为网银盾中的证书换证/m)
    expect(r.stdout).toMatch(/^ {2}lab init +建立内置实验环境/m)
    expect(r.stdout).not.toMatch(/USAGE|COMMANDS|TOPICS/)
    expect(strayWords(r.stdout, TYPED)).toEqual([])
  })

  it('`ukey help renew` and `ukey renew --help` are the same Chinese page: flags by group, description, examples', async () => {
    const [a, b] = await Promise.all([ukey(['help', 'renew'], { env: ZH }), ukey(['renew', '--help'], { env: ZH })])
    expect(a.code).toBe(0)
    expect(b.stdout).toBe(a.stdout)
    for (const heading of ['用法', '选项', '网银盾选项', '通用选项', '说明', '示例']) expect(a.stdout).toMatch(new RegExp(`^${heading}$`, 'm'))
    expect(a.stdout).toMatch(/--dry-run +只做不改动任何东西的检查/)
    expect(a.stdout).toContain('$ ukey renew --status                 # 未完成的换证')
    expect(strayWords(a.stdout, TYPED)).toEqual([])
  })

  it('a topic, `ukey help exit-codes` and a lab command, in Chinese; English from the same catalogue under an English locale', async () => {
    const topic = await ukey(['lab'], { env: ZH })
    expect(topic.stdout).toMatch(/^ {2}lab serve +在 127\.0\.0\.1 上/m)
    const codes = await ukey(['help', 'exit-codes'], { env: ZH })
    expect(codes.stdout).toMatch(/^ +21 {2}诊断：网银盾已损坏/m)
    expect(strayWords(codes.stdout, TYPED)).toEqual([])
    const init = await ukey(['lab', 'init', '--help'], { env: ZH })
    expect(init.stdout).toMatch(/--expires-in=<值> +网银盾中证书还有几天到期（负数：已过期）（默认：20）/)
    const en = await ukey(['help', 'renew'], { env: { LANG: 'en_US.UTF-8' } })
    expect(en.stdout).toMatch(/^USB KEY FLAGS$/m)
    expect(en.stdout).toContain('Renew the certificate on a USB key')
    expect((await ukey(['help', 'renew', '--lang', 'zh-CN'])).stdout).toBe((await ukey(['help', 'renew'], { env: ZH })).stdout)
  })

  it('help for what does not exist is a usage error in the user\'s language (exit 2)', async () => {
    const r = await ukey(['help', 'frobnicate'], { env: ZH })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('错误：没有名为“frobnicate”的命令或主题')
  })
})

describe('usage errors in the user\'s language, exit 2, on both paths', () => {
  const rsa = fixture('rsa.pem')
  it.each([
    ['check-window --jsn', ['check-window', '--jsn'], '错误：没有这个选项：--jsn（是否要用 --json？）'],
    ['an option value', ['check-window', rsa, '--output', 'xml'], '错误：--output 不接受“xml”：可选值为 table, json, ndjson, csv, prometheus'],
    ['exclusive flags', ['check-window', rsa, '--json', '--quiet'], '不能与'],
    ['a missing value', ['check-window', rsa, '--at'], '错误：--at 需要一个值'],
    ['an unexpected argument', ['diagnose', '0124', '0116'], '错误：多余的参数：0116'],
    ['a bad --at', ['check-window', rsa, '--at', 'tomorrow'], '错误：--at “tomorrow”：请给出 ISO 8601 时间'],
    ['a command that does not exist', ['chek-window', rsa], '错误：没有这个命令：chek-window（是否要用 `ukey check-window`？）'],
  ])('%s', async (_name, args, message) => {
    for (const env of [ZH, { ...ZH, UKEY_NO_FAST_PATH: '1' }]) {
      const r = await ukey(args, { env })
      expect(r.code, r.stderr).toBe(2)
      expect(r.stderr).toContain(message)
      expect(r.stderr).toMatch(/→ 请查看 `ukey[\w -]* --help`。/)
      expect(r.stderr).not.toMatch(/Nonexistent|Expected|Unexpected|not found|See more help/)
      expect(strayWords(r.stderr, TYPED)).toEqual([])
    }
  })

  it('the same error in English names the flag and the likely one', async () => {
    const r = await ukey(['check-window', '--jsn'], { env: { LANG: 'en_US.UTF-8' } })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('Error: no such option: --jsn (did you mean --json?)')
  })
})

describe('a yes/no prompt answers 是/否 in Chinese (pty)', () => {
  let dir: string
  beforeAll(async () => {
    dir = join(mkdtempSync(join(tmpdir(), 'ukey-words-')), 'lab')
    expect((await ukey(['lab', 'init', '--dir', dir, '--key', 'ec-p256'])).code).toBe(0)
  })

  function inTerminal(dialogue: Array<[string, string]>, lang: string): { out: string; status: number | null } {
    const r = spawnSync('python3', [join(ROOT, 'test/helpers/pty-run.py'), '60', ...dialogue.flat(), '--', process.execPath, join(ROOT, 'bin/run.js'), 'diagnose', '0124', '--lab', '--lab-dir', dir], {
      env: isolatedEnv({ CI: undefined, TERM: 'xterm-256color', NO_COLOR: '1', LANG: lang }),
      encoding: 'utf8',
    })
    return { out: r.stdout, status: r.status }
  }

  it('zh: the hint says 是/否, an unclear answer is asked again, 否 declines and the answer shows as 否', () => {
    const { out, status } = inTerminal([['是/否，默认：否', '也许'], ['也可输入 y 或 n', '否']], 'zh_CN.UTF-8')
    expect(out).toContain('(是/否，默认：否)')
    expect(out).toContain('请回答“是”或“否”（也可输入 y 或 n）')
    expect(out).toMatch(/测试密钥对会立即删除。\s+否/)
    expect(out).toContain('技术人员选择不测试')
    expect(out).not.toMatch(/\bYes\b|\bNo\b|y\/N/)
    // Declined: key generation, the check 0124 depends on, is unknown: never "nothing wrong" (issue 13).
    expect(status).toBe(20)
  })

  it('the default screen says what a technician can act on; --verbose adds module files and mechanisms', async () => {
    const args = ['diagnose', '0124', '--lab', '--lab-dir', dir, '--no-input']
    const plain = await ukey(args, { env: ZH })
    expect(plain.code).toBe(20) // key generation not run: unknown, so not nothing-wrong
    expect(plain.stdout).toContain('已安装的网银盾管理工具中有 1 个能加载（共 1 个）')
    expect(plain.stdout).toContain('未执行：需要技术人员同意')
    expect(plain.stdout).not.toMatch(/PKCS#11|\.so|--allow-keygen|Implementation/)
    // Left: the module's manufacturer and hexadecimal serials, which are names.
    expect(strayWords(plain.stdout).filter((w) => w !== 'SoftHSM' && !/^[0-9a-f]+$/i.test(w))).toEqual([])
    const verbose = await ukey([...args, '--verbose'], { env: ZH })
    expect(verbose.stdout).toMatch(/模块 \S+libsofthsm2\.so：版本/)
    expect(verbose.stdout).toContain('--allow-keygen')
    // JSON carries the technical detail without --verbose.
    const json = JSON.parse((await ukey([...args, '--json'], { env: ZH })).stdout) as { steps: Array<{ evidence: string[] }> }
    expect(json.steps.flatMap((s) => s.evidence).join('\n')).toMatch(/libsofthsm2\.so/)
  })

  it('en: (y/N), and the answer shows as no', () => {
    const { out, status } = inTerminal([['(y/N)', 'n']], 'en_US.UTF-8')
    // The terminal is 100 columns: the prompt wraps before its hint and its answer.
    expect(out).toMatch(/deleted at once\.\s+\(y\/N\)/)
    expect(out).toMatch(/deleted at once\.\s+no\b/)
    expect(out).toContain('the technician chose not to test')
    expect(status).toBe(20)
  })
})
