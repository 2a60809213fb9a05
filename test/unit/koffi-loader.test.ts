// koffi loaded from its platform package's addon (src/platform/koffi.ts): the same API as
// koffi's own loader, the same native module instance, and a fallback when the package is not there.
import { createRequire } from 'node:module'
import { sep } from 'node:path'
import { describe, expect, it } from 'vitest'
import { koffiAddonPaths, loadKoffiFrom } from '../../src/platform/koffi.js'

const require = createRequire(import.meta.url)

describe('koffi loader', () => {
  it('names each platform package’s addon folders, the glibc build before the musl one', () => {
    const a = process.arch
    const here = koffiAddonPaths('linux', a)
    expect(here.map((p) => p.split(/[/\\]/).slice(-3).join('/'))).toEqual([`koffi-linux-${a}/linux_${a}/koffi.node`, `koffi-linux-${a}/musl_${a}/koffi.node`])
    // Not installed here (npm installs only this machine's optional package): nothing to try, koffi's loader decides.
    expect(koffiAddonPaths('win32', 'arm64')).toEqual([])
  })

  it('loads the addon itself: koffi’s whole API, the very module koffi’s loader gives', () => {
    const { koffi, path } = loadKoffiFrom()
    expect(path.endsWith(`linux_${process.arch}${sep}koffi.node`)).toBe(true)
    const viaLoader = require('koffi') as { default: unknown; load: unknown }
    expect(koffi).toBe(viaLoader.default)
    // A real call through it: libc's getpid is this process's pid.
    const libc = koffi.load(null)
    expect(libc.func('int getpid()')()).toBe(process.pid)
  })
})
