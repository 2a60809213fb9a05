import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { ROOT, isolatedEnv, ukey } from '../helpers/cli.js'
import { diagnoseSchemaErrors } from '../helpers/diagnose-schema.js'
import { emptySoftHsmEnv, SOFTHSM_MODULE } from '../helpers/softhsm.js'
import { requireUmockdev, underUmockdev, type UsbFixture } from '../helpers/umockdev.js'

// The built CLI under umockdev, as a technician runs it: USB devices from the fixtures,
// tokens from a lab (SoftHSM2) whose serial starts with 21 (Watchdata).
let labDir: string
beforeAll(async () => {
  requireUmockdev()
  labDir = join(mkdtempSync(join(tmpdir(), 'ukey-diag-usb-')), 'lab')
  const r = await ukey(['lab', 'init', '--dir', labDir, '--key', 'ec-p256', '--vendor', '21'])
  expect(r.code).toBe(0)
})

const emptyStore = emptySoftHsmEnv

interface Doc { verdict: string; exitCode: number; concludedAt: number | null; next: string; steps: Array<{ faq: string; kind: string; outcome: string; checkIds: string[]; evidence: string[] }> }

async function diagnose(fixtures: UsbFixture[], args: string[], env: Record<string, string> = {}): Promise<{ code: number; doc: Doc; walk: string[] }> {
  const r = await underUmockdev(fixtures, [process.execPath, join(ROOT, 'bin/run.js'), 'diagnose', ...args, '--json', '--no-input', '--lang', 'en'], { env: isolatedEnv(env) })
  const doc = JSON.parse(r.stdout) as Doc
  expect(diagnoseSchemaErrors(doc)).toEqual([])
  expect(r.code).toBe(doc.exitCode)
  // Who holds a device node is best effort: free when every process can be inspected, unknown otherwise.
  const walk = doc.steps.map((s) => {
    const what = s.checkIds.join('|') || s.kind
    const outcome = what === 'device-busy' && ['pass', 'unknown'].includes(s.outcome) ? '~' : s.outcome
    return `${outcome} ${s.faq} ${what}`
  })
  return { code: r.code, doc, walk }
}

const KEY = 'usb-key|token-visible|soft-certificate'
const READ = 'token-visible|soft-certificate'
const skipped = (walk: string[], from: number) => walk.slice(from).every((s) => s.startsWith('skipped'))

describe('diagnose under umockdev: no key', () => {
  it.each(['0124', '9002', '403.7'])('%s: nothing on USB, no token: stop at "is the key inserted?" (FAQ 10.1), exit 20', async (code) => {
    const { code: exit, walk, doc } = await diagnose([], [code, '--module', SOFTHSM_MODULE], emptyStore())
    expect(walk[0]).toMatch(new RegExp(`^fail 1[0-9]\\.1 ${KEY.replace(/\|/g, '\\|')}$`))
    expect(skipped(walk, 1)).toBe(true)
    expect(exit).toBe(20)
    expect(doc.steps[0]!.evidence).toContain('no bank USB key on the USB bus')
    expect(doc.next).toContain('Insert the USB key (FAQ 10.1)')
  })

  it('0116: nothing to read the journal or window from (unknown), then the key is not inserted', async () => {
    const { code, walk } = await diagnose(['keyboard-decoy'], ['0116', '--module', SOFTHSM_MODULE], emptyStore())
    expect(walk.slice(0, 3)).toEqual(['unknown 12 renewal-journal', 'unknown 12.1 renewal-window', `fail 12.2 ${KEY}`])
    expect(skipped(walk, 3)).toBe(true)
    expect(code).toBe(20)
  })
})

describe('diagnose under umockdev: the key on USB, no module installed', () => {
  const args = (code: string) => [code, '--module', '/nonexistent/libwatchdata.so']

  it('0124 and 403.7: the key is there, the management tool is missing (FAQ 2, 10.3)', async () => {
    for (const [code, faq] of [['0124', '10'], ['403.7', '13']] as const) {
      const { code: exit, walk, doc } = await diagnose(['watchdata-hid'], args(code))
      const one = code === '0124' ? '10.1' : '13.1'
      expect(walk.slice(0, 4)).toEqual([`pass ${one} ${KEY}`, `~ ${faq}.2 device-busy`, `shown ${faq}.2 instruction`, `fail ${faq}.3 vendor-module`])
      expect(skipped(walk, 4)).toBe(true)
      expect(exit).toBe(20)
      expect(doc.next).toBe('Install the Watchdata management tool from the bank\'s site (Online banking → Download), then retry (FAQ 2, 10.3).')
    }
  })

  it('9002 and 0116: the key is inserted but the control cannot read it: install the tool', async () => {
    const a = await diagnose(['watchdata-hid'], args('9002'))
    expect(a.walk.slice(0, 2)).toEqual([`pass 11.1 ${KEY}`, `fail 11.1 ${READ}`])
    expect(skipped(a.walk, 2)).toBe(true)
    expect(a.code).toBe(20)
    expect(a.doc.next).toContain('Install the Watchdata management tool')
    const b = await diagnose(['watchdata-hid'], args('0116'))
    expect(b.walk.slice(0, 4)).toEqual(['unknown 12 renewal-journal', 'unknown 12.1 renewal-window', `pass 12.2 ${KEY}`, `fail 12.2 ${READ}`])
    expect(b.code).toBe(20)
  })

  it('the same in Chinese', async () => {
    const r = await underUmockdev(['gd-ccid'], [process.execPath, join(ROOT, 'bin/run.js'), 'diagnose', '0124', '--module', '/nonexistent/libgd.so', '--lang', 'zh-CN', '--no-input'], { env: isolatedEnv() })
    expect(r.code).toBe(20)
    expect(r.stdout).toContain('✔ 常见问题 10.1')
    expect(r.stdout).toContain('请从银行网站（网上银行 → 下载）安装捷德的网银盾管理工具，然后重试（常见问题 2、10.3）。')
    expect(r.stdout).toContain('结论：需要处理（退出码 20）')
  })
})

describe('diagnose under umockdev: another vendor\'s module', () => {
  it('a Huada key while only the (Watchdata) lab module is installed: install the Huada tool (FAQ 10.3), every code', async () => {
    const lab = ['--lab', '--lab-dir', labDir]
    const a = await diagnose(['huada-ccid'], ['0124', ...lab])
    expect(a.walk.slice(0, 4)).toEqual([`pass 10.1 ${KEY}`, '~ 10.2 device-busy', 'shown 10.2 instruction', 'fail 10.3 vendor-module'])
    expect(a.doc.next).toContain('install the Huada (China Huada IC Design) management tool, the key\'s own vendor (FAQ 1, 10.3)')
    const b = await diagnose(['huada-ccid'], ['403.7', ...lab])
    expect(b.walk[3]).toBe('fail 13.3 vendor-module')
    // The lab token beside it is not the key in question: the Huada key on USB is, and no module sees it.
    const c = await diagnose(['huada-ccid'], ['9002', ...lab])
    expect(c.walk.slice(0, 2)).toEqual([`pass 11.1 ${KEY}`, `fail 11.1 ${READ}`])
    const d = await diagnose(['huada-ccid'], ['0116', ...lab])
    expect(d.walk.slice(0, 4)).toEqual(['pass 12 renewal-journal', 'pass 12.1 renewal-window', `pass 12.2 ${KEY}`, `fail 12.2 ${READ}`])
    for (const x of [a, b, c, d]) expect(x.code).toBe(20)
  })

  it('the printed number names another vendor than the key and its module: the vendor check fails', async () => {
    const r = await diagnose(['watchdata-hid'], ['403.7', '--lab', '--lab-dir', labDir, '--key-number', '3100012345'])
    expect(r.walk.slice(0, 5)).toEqual([`pass 13.1 ${KEY}`, '~ 13.2 device-busy', 'shown 13.2 instruction', 'pass 13.3 vendor-module', 'fail 13.3 module-vendor-match'])
    expect(r.doc.next).toContain('install the Huada (China Huada IC Design) management tool')
    expect(r.code).toBe(20)
  })

  it('the Watchdata key with its token: USB id, serial prefix agree; the whole 403.7 walk passes with the PIN', async () => {
    const r = await diagnose(['watchdata-hid'], ['403.7', '--lab', '--lab-dir', labDir], { UKEY_PIN: '123456' })
    expect(r.walk).toEqual([
      `pass 13.1 ${KEY}`, '~ 13.2 device-busy', 'shown 13.2 instruction', 'pass 13.3 vendor-module', 'pass 13.3 module-vendor-match', `pass 13.3 ${READ}`,
      'pass 13 certificate-with-key', 'pass 13 renewal-window', 'pass 13 chains-to-bank-ca', 'pass 13 key-signs', 'pass 13.4 renewal-refused', 'unknown 13.4 question',
    ])
    expect(r.code).toBe(0)
  })
})
