import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTokens } from '../../src/hardware/tokens.js'
import { exitCodeOf } from '../../src/output/exit-codes.js'
import { discoverModules } from '../../src/hardware/pkcs11/discovery.js'
import type { TokenProvider } from '../../src/hardware/pkcs11/types.js'
import { usbUnavailable } from '../../src/hardware/usb/errors.js'
import { translator } from '../../src/i18n/index.js'
import { p11kitModuleDirs, systemModuleDirs } from '../../src/platform/module-paths.js'
import { DEFAULT_PROFILE } from '../../src/profile/default.js'
import { buildTinyModules, type TinyKind } from '../helpers/tiny-modules.js'

describe('module search paths per OS and architecture', () => {
  it('Windows: System32 is native; SysWOW64 is foreign to a 64-bit process and native to a 32-bit one', () => {
    const env = { SystemRoot: 'C:\\Windows' }
    expect(systemModuleDirs('win32', 'x64', env)).toEqual({ native: ['C:\\Windows\\System32'], foreign: ['C:\\Windows\\SysWOW64'] })
    expect(systemModuleDirs('win32', 'arm64', env).foreign).toEqual(['C:\\Windows\\SysWOW64'])
    expect(systemModuleDirs('win32', 'ia32', env)).toEqual({ native: ['C:\\Windows\\System32', 'C:\\Windows\\SysWOW64'], foreign: [] })
  })

  it.each([
    ['loong64', 'loongarch64-linux-gnu'],
    ['riscv64', 'riscv64-linux-gnu'],
    ['mips64el', 'mips64el-linux-gnuabi64'],
    ['x64', 'x86_64-linux-gnu'],
    ['arm64', 'aarch64-linux-gnu'],
  ])('Linux %s: its multiarch folder, for libraries and for p11-kit modules', (arch, triplet) => {
    expect(systemModuleDirs('linux', arch).native[0]).toBe(`/usr/lib/${triplet}`)
    expect(p11kitModuleDirs(arch)[0]).toBe(`/usr/lib/${triplet}/pkcs11`)
    // Another machine's folder is never searched: its libraries cannot load here.
    expect(systemModuleDirs('linux', arch).native.filter((d) => /-linux-gnu/.test(d))).toEqual([`/usr/lib/${triplet}`])
  })
})

describe('discovery reads each candidate\'s machine type', () => {
  let dir: string
  let libs: Record<TinyKind, string>
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ukey-disc-'))
    libs = buildTinyModules(dir)
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('a 32-bit DLL given to a 64-bit process is a finding, with both bitnesses named (zh and en)', () => {
    const [c] = discoverModules({ explicit: libs['pe-x86'], profile: DEFAULT_PROFILE, arch: 'x64' })
    expect(c!.problem?.code).toBe('PKCS11_MODULE_WRONG_ARCH')
    expect(exitCodeOf(c!.problem!)).toBe(3)
    const en = translator('en')(c!.problem!.key, c!.problem!.params)
    expect(en).toContain('32-bit x86 library')
    expect(en).toContain('64-bit x64 program')
    expect(en).toContain("Install the vendor's 64-bit management tool, or run ukey with a 32-bit Node.js")
    expect(translator('zh-CN')(c!.problem!.key, c!.problem!.params)).toContain('32 位')
  })

  it('a module of this machine carries no problem (the loader decides the rest)', () => {
    expect(discoverModules({ explicit: libs['elf-x64'], profile: DEFAULT_PROFILE, arch: 'x64' })[0]).not.toHaveProperty('problem')
    expect(discoverModules({ explicit: '/nowhere/x.so', profile: DEFAULT_PROFILE })[0]).not.toHaveProperty('problem')
  })

  it('finds another bank-key maker\'s module in its folder, as maker:<id>', () => {
    const makers = [{ id: 'tiny', name: { 'zh-CN': '测试', en: 'Test' }, modules: { linux: ['libtiny-x64.so'] }, searchPaths: { linux: [dir] } }]
    const found = discoverModules({ env: {}, profile: { ...DEFAULT_PROFILE, pkcs11: { ...DEFAULT_PROFILE.pkcs11, p11kit: false } }, platform: 'linux', arch: 'x64', makers })
    expect(found).toEqual([{ path: libs['elf-x64'], origin: 'maker:tiny', vendorCode: null }])
  })

  it('openTokens never hands a wrong-machine module to the loader, and lists it as a module error', async () => {
    let loaded: string[] = []
    const provider: TokenProvider = {
      listTokens: async () => ({ tokens: [], moduleErrors: [] }),
      open: () => Promise.reject(new Error('no token')),
      close: async () => undefined,
    }
    const profile = { ...DEFAULT_PROFILE, pkcs11: { ...DEFAULT_PROFILE.pkcs11, modules: [libs['pe-x86'], libs['elf-x64']], p11kit: false } }
    const ctx = await openTokens(profile, async (paths) => {
      loaded = paths
      return provider
    })
    expect(loaded).toEqual([libs['elf-x64']])
    const { moduleErrors } = await ctx.provider.listTokens()
    expect(moduleErrors.map((e) => [e.path, e.error.code])).toEqual([[libs['pe-x86'], 'PKCS11_MODULE_WRONG_ARCH']])
  })
})

describe('USB bus advice is the platform\'s own', () => {
  it('Windows and macOS never advise Linux packages; Linux names them', () => {
    const t = translator('en')
    const say = (p: NodeJS.Platform): string => {
      const e = usbUnavailable('hid', new Error('cannot initialize hidapi (hid_init failed)'), p)
      expect(e.code).toBe('USB_UNAVAILABLE')
      return t(e.key, e.params)
    }
    expect(say('win32')).toMatch(/^The USB bus cannot be listed here \(hid: cannot initialize hidapi.*Device Manager/)
    expect(say('win32')).not.toMatch(/libudev|libusb/)
    expect(say('darwin')).not.toMatch(/libudev|libusb/)
    expect(say('linux')).toContain('install libudev1 and libusb-1.0-0')
  })
})
