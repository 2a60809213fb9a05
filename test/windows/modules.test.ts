import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTinyModules, type TinyKind } from '../helpers/tiny-modules.js'
import { installWinProfile, winPath, winUkey } from '../helpers/wine.js'

// Vendor modules where vendor tools install them on Windows, built here by
// mingw-w64 (x86_64 and i686) and put into the Wine prefix's System32 and
// SysWOW64 for the duration of this file.
interface DetectDoc {
  modules: Array<{ path: string; origin: string; loaded: boolean; error: { code: string; message: string } | null }>
}

describe('module discovery on Windows paths, and the bitness finding', () => {
  let dir: string
  let libs: Record<TinyKind, string>
  let placed: string[]
  let removeProfile: () => void
  const windows = (): string => join(process.env['WINEPREFIX']!, 'drive_c', 'windows')

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ukey-win-mod-'))
    libs = buildTinyModules(dir, ['pe-x64', 'pe-x86'])
    placed = [join(windows(), 'system32', 'ukeytest64.dll'), join(windows(), 'syswow64', 'ukeytest32.dll')]
    copyFileSync(libs['pe-x64'], placed[0]!)
    copyFileSync(libs['pe-x86'], placed[1]!)
    // A bank profile naming the two files for Watchdata (21), as a bank's vendor build would.
    removeProfile = installWinProfile({ vendors: [{ code: '21', modules: { win32: ['ukeytest64.dll', 'ukeytest32.dll'] } }] })
  })
  afterAll(() => {
    for (const p of placed) rmSync(p, { force: true })
    removeProfile()
    rmSync(dir, { recursive: true, force: true })
  })

  it('finds the 64-bit module in System32 and explains the 32-bit one found only in SysWOW64', async () => {
    const r = await winUkey(['detect', '--json', '--lang', 'en'])
    const doc = JSON.parse(r.stdout) as DetectDoc
    const byName = (n: string): DetectDoc['modules'][number] | undefined => doc.modules.find((m) => m.path.toLowerCase().endsWith(n))
    expect(byName('\\system32\\ukeytest64.dll')).toMatchObject({ origin: 'vendor:21' })
    expect(byName('\\system32\\ukeytest64.dll')!.error?.code).not.toBe('PKCS11_MODULE_WRONG_ARCH')
    const wow = byName('\\syswow64\\ukeytest32.dll')
    expect(wow).toMatchObject({ origin: 'vendor:21', loaded: false, error: { code: 'PKCS11_MODULE_WRONG_ARCH' } })
    expect(wow!.error!.message).toContain('is a 32-bit x86 library and ukey runs as a 64-bit x64 program')
    expect(r.code).toBe(3)
  })

  it('--module with a 32-bit DLL under the 64-bit node.exe: the finding, never "Bad EXE format"', async () => {
    for (const lang of ['en', 'zh-CN']) {
      const r = await winUkey(['detect', '--lang', lang, '--module', winPath(libs['pe-x86'])])
      expect(r.code).toBe(3)
      expect(r.stdout).toContain(lang === 'en' ? "Install the vendor's 64-bit management tool, or run ukey with a 32-bit Node.js" : '请安装厂商的 64 位网银盾管理工具')
      expect(r.stdout + r.stderr).not.toMatch(/Bad EXE format/i)
    }
  })
  it('diagnose (the health check) with only a 32-bit module: the vendor-module step fails with the bitness remedy (FAQ 2, 10.3)', async () => {
    const r = await winUkey(['diagnose', '--json', '--no-input', '--lang', 'en', '--module', winPath(libs['pe-x86'])])
    const doc = JSON.parse(r.stdout) as { steps: Array<{ checks: Array<{ id: string; outcome: string }>; remedy: string | null }> }
    const step = doc.steps.find((s) => s.checks.some((c) => c.id === 'vendor-module' && c.outcome === 'fail'))
    expect(step?.remedy).toContain("Install the vendor's 64-bit management tool, or run ukey with a 32-bit Node.js")
    expect(r.stdout).not.toMatch(/The the|the the/)
    expect(r.code).toBe(20)
  })
})
