import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BUILTIN_VENDORS, identifyVendor, vendorByNumber, vendorByUsbId, versionAtLeast } from '../../src/profile/vendors.js'
import { discoverModules } from '../../src/hardware/pkcs11/discovery.js'
import { DEFAULT_PROFILE } from '../../src/profile/default.js'
import { parseProfile } from '../../src/profile/load.js'

describe('FAQ 1: the vendor code is the first two digits of the printed number', () => {
  it.each([
    ['1100123456', '11', 'Giesecke & Devrient'],
    ['21 0001 2345', '21', 'Watchdata'],
    ['3100000000000001', '31', 'Huada (China Huada IC Design)'],
    ['41-000-777', '41', 'Daming'],
  ])('%s → %s', (number, code, en) => {
    const v = vendorByNumber(BUILTIN_VENDORS, number)
    expect(v?.code).toBe(code)
    expect(v?.name.en).toBe(en)
  })
  it('an unknown prefix or a non-number names no vendor', () => {
    expect(vendorByNumber(BUILTIN_VENDORS, '9912345')).toBeNull()
    expect(vendorByNumber(BUILTIN_VENDORS, 'A1B2')).toBeNull()
    expect(vendorByNumber(BUILTIN_VENDORS, '2')).toBeNull()
  })
  it('has the Chinese names', () => {
    expect(BUILTIN_VENDORS.map((v) => v.name['zh-CN'])).toEqual(['捷德', '握奇', '华大', '大明'])
  })
})

describe('vendor identification from several signals', () => {
  it('agreeing signals: the printed number decides, no conflict', () => {
    const r = identifyVendor(BUILTIN_VENDORS, { printed: '2100001', tokenSerial: '2100000012345678', manufacturer: 'Watchdata Co.' })
    expect(r.vendor?.code).toBe('21')
    expect(r.conflict).toBe(false)
    expect(r.signals.map((s) => [s.evidence, s.code])).toEqual([['printed-number', '21'], ['serial-prefix', '21'], ['manufacturer', '21']])
  })
  it('a module of another vendor than the key is a finding (FAQ 10.3, choose the right vendor)', () => {
    const r = identifyVendor(BUILTIN_VENDORS, { tokenSerial: '3100000012345678', manufacturer: 'Watchdata' })
    expect(r.vendor?.code).toBe('31')
    expect(r.conflict).toBe(true)
  })
  it('no signal names a vendor: null, and the signals are still reported', () => {
    const r = identifyVendor(BUILTIN_VENDORS, { tokenSerial: 'a1b2c3', manufacturer: 'SoftHSM project' })
    expect(r.vendor).toBeNull()
    expect(r.signals).toHaveLength(2)
  })
  it('USB ids from the notes', () => {
    expect(vendorByUsbId(BUILTIN_VENDORS, 0x163c, 0x0407)?.code).toBe('21')
    expect(vendorByUsbId(BUILTIN_VENDORS, 0x163c, 0x9999)).toBeNull()
    expect(vendorByUsbId(BUILTIN_VENDORS, 0x1059, 0x1234)?.code).toBe('11')
  })
  it('compares module versions numerically', () => {
    expect(versionAtLeast('2.10', '2.9')).toBe(true)
    expect(versionAtLeast('2.6', '2.10')).toBe(false)
    expect(versionAtLeast('3', '2.99')).toBe(true)
  })
})

describe('a profile adds and overrides vendors', () => {
  it('overrides a built-in vendor and adds a new one', () => {
    const p = parseProfile(JSON.stringify({
      vendors: [
        { code: '21', minModuleVersion: '3.2', modules: { linux: ['libwdpkcs.so'], win32: ['WDPKCS.dll'] } },
        { code: '51', name: { 'zh-CN': '飞天', en: 'Feitian' }, usb: [{ vendorId: '0x096E' }] },
      ],
    }), 'bank.json')
    const wd = p.vendors.find((v) => v.code === '21')!
    expect(wd.minModuleVersion).toBe('3.2')
    expect(wd.name.en).toBe('Watchdata')
    expect(wd.modules.win32).toEqual(['WDPKCS.dll'])
    expect(vendorByUsbId(p.vendors, 0x096e, 1)?.name['zh-CN']).toBe('飞天')
  })
  it('rejects a malformed vendor code or USB id, naming the field', () => {
    expect(() => parseProfile('{"vendors":[{"code":"2"}]}', 'b.json')).toThrow(/PROFILE_INVALID/)
    try {
      parseProfile('{"vendors":[{"code":"21","usb":[{"vendorId":"163c"}]}]}', 'b.json')
    } catch (e) {
      expect((e as { params: Record<string, string> }).params['field']).toBe('vendors.0.usb.0.vendorId')
    }
  })
})

describe('PKCS#11 module discovery', () => {
  function p11kitDir(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'ukey-p11kit-'))
    for (const [n, body] of Object.entries(files)) writeFileSync(join(dir, n), body)
    return dir
  }
  it('--module replaces discovery, taken as given', () => {
    expect(discoverModules({ explicit: '/nope.so', profile: DEFAULT_PROFILE })).toEqual([{ path: '/nope.so', origin: 'flag', vendorCode: null }])
    expect(discoverModules({ env: { UKEY_PKCS11_MODULE: '/x.so' }, profile: DEFAULT_PROFILE })[0]).toMatchObject({ origin: 'environment' })
  })
  it('reads p11-kit registrations, skipping the trust store and modules disabled for ukey', () => {
    const dir = p11kitDir({
      'softhsm2.module': 'module: /usr/lib/softhsm/libsofthsm2.so\n',
      'p11-kit-trust.module': 'module: p11-kit-trust.so\ntrust-policy: yes\n',
      'other.module': 'module: /usr/lib/softhsm/libsofthsm2.so\ndisable-in: ukey\n',
      'missing.module': 'module: /nowhere/libnothing.so\n',
    })
    const found = discoverModules({ env: {}, profile: DEFAULT_PROFILE, platform: 'linux', p11kitConfigDirs: [dir] })
    expect(found).toEqual([{ path: '/usr/lib/softhsm/libsofthsm2.so', origin: 'p11-kit', vendorCode: null }])
  })
  it('finds vendor modules in their search paths, per platform, and removes duplicates', () => {
    const lib = mkdtempSync(join(tmpdir(), 'ukey-lib-'))
    mkdirSync(join(lib, 'sub'))
    writeFileSync(join(lib, 'libwd.so'), '')
    const profile = { ...DEFAULT_PROFILE, pkcs11: { modules: [join(lib, 'libwd.so')], environment: {}, p11kit: false },
      vendors: DEFAULT_PROFILE.vendors.map((v) => v.code === '21' ? { ...v, modules: { linux: ['libwd.so'], win32: ['WD.dll'] }, searchPaths: { linux: ['/nowhere', lib] } } : v) }
    expect(discoverModules({ env: {}, profile, platform: 'linux' })).toEqual([{ path: join(lib, 'libwd.so'), origin: 'profile', vendorCode: null }])
    const noProfileModule = { ...profile, pkcs11: { ...profile.pkcs11, modules: [] } }
    expect(discoverModules({ env: {}, profile: noProfileModule, platform: 'linux' })).toEqual([{ path: join(lib, 'libwd.so'), origin: 'vendor:21', vendorCode: '21' }])
    expect(discoverModules({ env: {}, profile: noProfileModule, platform: 'win32' })).toEqual([])
  })
})
