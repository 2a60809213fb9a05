import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { emptySoftHsmEnv } from '../helpers/softhsm.js'
import { ROOT, isolatedEnv, ukey } from '../helpers/cli.js'
import { requireUmockdev, underUmockdev, type UsbFixture } from '../helpers/umockdev.js'
import { schemaErrors } from '../helpers/schemas.js'

// The built CLI under umockdev, exactly as a user runs it: USB devices from the fixtures,
// tokens from a lab (SoftHSM2) whose serial starts with 21 (Watchdata).
let labDir: string
beforeAll(async () => {
  requireUmockdev()
  labDir = join(mkdtempSync(join(tmpdir(), 'ukey-usb-lab-')), 'lab')
  const r = await ukey(['lab', 'init', '--dir', labDir, '--key', 'ec-p256', '--vendor', '21'])
  expect(r.code).toBe(0)
})

const emptyStore = emptySoftHsmEnv

async function detect(fixtures: UsbFixture[], args: string[], env: Record<string, string> = {}) {
  const r = await underUmockdev(fixtures, [process.execPath, join(ROOT, 'bin/run.js'), 'detect', ...args], { env: isolatedEnv(env) })
  return { ...r, doc: args.includes('--json') ? JSON.parse(r.stdout) : null }
}

describe('detect: the USB view and the PKCS#11 view, per physical key', () => {
  it('a Watchdata HID key and the Watchdata token pair up: good', async () => {
    const { doc, code } = await detect(['watchdata-hid'], ['--lab', '--lab-dir', labDir, '--json'])
    expect(schemaErrors('detect', doc)).toEqual([])
    expect(code).toBe(0)
    expect(doc.keys).toEqual([
      expect.objectContaining({
        usb: expect.objectContaining({ transport: 'hid', vendorId: '0x163c', productId: '0x0407', serial: '2100012345', kind: 'bank-key' }),
        token: doc.tokens[0].token,
        vendor: { code: '21', name: 'Watchdata' },
        verdict: 'ok',
      }),
    ])
  })

  it('a printed number of another vendor (--serial 31…) is checked against the key, it does not unpair it', async () => {
    const { doc } = await detect(['watchdata-hid'], ['--lab', '--lab-dir', labDir, '--json', '--key-number', '3100012345'])
    expect(schemaErrors('detect', doc)).toEqual([])
    expect(doc.keys).toHaveLength(1)
    expect(doc.keys[0]).toMatchObject({ token: doc.tokens[0].token, vendor: { code: '21' }, verdict: 'ok' })
    expect(doc.printed).toMatchObject({ number: '3100012345' })
  })

  it('a Huada CCID key while only another vendor\'s module is installed: FAQ 10.3, and the lab token stands alone', async () => {
    const { doc } = await detect(['huada-ccid'], ['--lab', '--lab-dir', labDir, '--json', '--lang', 'en'])
    expect(schemaErrors('detect', doc)).toEqual([])
    expect(doc.keys.map((k: { verdict: string }) => k.verdict)).toEqual(['other-vendor-module', 'token-only'])
    expect(doc.keys[0].usb).toMatchObject({ transport: 'ccid', vendorId: '0x1677', kind: 'bank-key' })
    expect(doc.keys[0].advice).toContain('FAQ 10.3')
  })

  it('a G&D smart-card key and no module at all: install the management tool (FAQ 2), exit 3, both languages', async () => {
    const en = await detect(['gd-ccid'], ['--module', '/nonexistent/libgd.so', '--lang', 'en'])
    expect(en.code).toBe(3)
    expect(en.stdout).toContain('CCID 0x1059:0x0017')
    expect(en.stdout).toContain('install the Giesecke & Devrient management tool')
    const zh = await detect(['gd-ccid'], ['--module', '/nonexistent/libgd.so', '--lang', 'zh-CN'])
    expect(zh.stdout).toContain('请从银行网站安装捷德的网银盾管理工具（常见问题 2）')
  })

  it.each<[string, UsbFixture[]]>([
    ['nothing plugged in', []],
    ['only a keyboard', ['keyboard-decoy']],
  ])('%s: exit 3 and the 9002 advice (check the key is inserted)', async (_name, fixtures) => {
    const { doc, code } = await detect(fixtures, ['--module', '/usr/lib/softhsm/libsofthsm2.so', '--json', '--lang', 'en'], emptyStore())
    expect(code).toBe(3)
    expect(schemaErrors('detect', doc)).toEqual([])
    expect(doc.verdict).toBe('no-token')
    expect(doc.keys).toEqual([])
    expect(doc.advice).toContain('check the key is inserted (FAQ 10.1)')
    const zh = await detect(fixtures, ['--module', '/usr/lib/softhsm/libsofthsm2.so', '--lang', 'zh-CN'], emptyStore())
    expect(zh.stdout).toContain('请检查网银盾是否已插入（常见问题 10.1）')
  })

  it('--all lists the keyboard too, as another device', async () => {
    const { doc } = await detect(['keyboard-decoy'], ['--module', '/nonexistent/lib.so', '--json', '--all'])
    expect(doc.keys.map((k: { usb: { kind: string } }) => k.usb.kind)).toEqual(['other'])
  })

  it('two keys of one vendor are not guessed into a pair: both listed, each with its verdict', async () => {
    const { doc } = await detect(['watchdata-hid', 'watchdata-hid-2'], ['--lab', '--lab-dir', labDir, '--json'])
    const usb = doc.keys.filter((k: { usb: unknown }) => k.usb)
    expect(usb).toHaveLength(2)
    expect(doc.keys.filter((k: { verdict: string }) => k.verdict === 'token-only')).toHaveLength(1)
  })
})

describe('detect: the human table for each fixture, in both languages', () => {
  it.each<[UsbFixture, string, string, string, string | null, string]>([
    ['watchdata-hid', 'HID 0x163c:0x0407', 'Watchdata', '握奇', '21', 'no-module'],
    ['watchdata-composite', 'CCID 0x163c', 'Watchdata', '握奇', '21', 'no-module'],
    ['huada-ccid', 'CCID 0x1677:0x0103', 'Huada (China Huada IC Design)', '华大', '31', 'no-module'],
    ['gd-ccid', 'CCID 0x1059:0x0017', 'Giesecke & Devrient', '捷德', '11', 'no-module'],
    ['unknown-ccid', 'CCID 0x', 'a smart card of no vendor this bank supports', '不属于本行支持厂商的智能卡设备', null, 'unknown-smart-card'],
  ])('%s', async (fixture, device, en, zh, code, verdict) => {
    const j = await detect([fixture], ['--module', '/nonexistent/lib.so', '--json'])
    expect(schemaErrors('detect', j.doc)).toEqual([])
    expect(j.doc.keys).toHaveLength(1)
    expect(j.doc.keys[0]).toMatchObject({ verdict, token: null })
    expect(j.doc.keys[0].vendor?.code ?? null).toBe(code)
    const e = await detect([fixture], ['--module', '/nonexistent/lib.so', '--lang', 'en'])
    expect(e.stdout).toContain('USB devices')
    expect(e.stdout).toContain(device)
    expect(e.stdout).toContain(en)
    const z = await detect([fixture], ['--module', '/nonexistent/lib.so', '--lang', 'zh-CN'])
    expect(z.stdout).toContain('USB 设备')
    expect(z.stdout).toContain(device)
    expect(z.stdout).toContain(zh)
  })
})
