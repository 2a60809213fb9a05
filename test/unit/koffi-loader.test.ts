// koffi loaded from its platform package's addon (src/platform/koffi.ts): the build koffi's
// own loader would pick for this C library, the same API and module instance, ukey's koffi
// version only, and koffi's loader whenever the addon cannot be had.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, sep } from 'node:path'
import { describe, expect, it } from 'vitest'
import { KOFFI_VERSION, koffiAddonPaths, linuxLibc, loadKoffiFrom } from '../../src/platform/koffi.js'

const require = createRequire(import.meta.url)
const ROOT = join(import.meta.dirname, '../..')
const a = process.arch

describe.runIf(process.platform === 'linux')('koffi loader (Linux)', () => {
  it('tells this process’s C library as koffi does, by the loader Node’s executable names', () => {
    // Debian's Node: glibc (/lib64/ld-linux-x86-64.so.2 or the arm64 one).
    expect(linuxLibc()).toBe('glibc')
    expect(linuxLibc('/nonexistent')).toBeUndefined()
    expect(linuxLibc(join(ROOT, 'package.json'))).toBeUndefined()
  })

  it('names the build for that C library only', () => {
    expect(koffiAddonPaths('linux', a).map((p) => p.split(/[/\\]/).slice(-3).join('/'))).toEqual([`koffi-linux-${a}/linux_${a}/koffi.node`])
    // Not installed here (npm installs only this machine's optional package): nothing to try, koffi's loader decides.
    expect(koffiAddonPaths('win32', 'arm64')).toEqual([])
  })

  it('loads the addon itself: koffi’s API, the very module koffi’s loader gives', () => {
    const { koffi, path } = loadKoffiFrom()
    expect(path.endsWith(`linux_${a}${sep}koffi.node`)).toBe(true)
    expect(koffi).toBe((require('koffi') as { default: unknown }).default)
    // A real call through it: libc's getpid is this process's pid.
    expect(koffi.load(null).func('int getpid()')()).toBe(process.pid)
  })

  it('falls back to koffi’s own loader when no addon file loads', () => {
    for (const candidates of [[], [join(ROOT, 'package.json')], ['/nonexistent/koffi.node']]) {
      const { koffi, path } = loadKoffiFrom(candidates)
      expect(path).toBe(require.resolve('koffi'))
      expect(koffi.load(null).func('int getpid()')()).toBe(process.pid)
    }
  })
})

describe('koffi version', () => {
  it('is the one package.json pins (the addon of another koffi is refused)', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
    expect(pkg.dependencies['koffi']).toBe(KOFFI_VERSION)
    expect((require('koffi') as { version: string }).version).toBe(KOFFI_VERSION)
  })
})
