// Where the reading thread reads through libc's openat (src/platform/native-files.ts):
// only where openat exists and pread's offset is 64 bits; node:fs everywhere else.
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { nativeFiles } from '../../src/platform/native-files.js'

describe('nativeFiles', () => {
  it('Linux and macOS, 64-bit: koffi as installed here (its addon first, its own loader last) and that OS’s O_CLOEXEC', () => {
    const linux = nativeFiles('linux', 'x64')
    expect(linux?.cloexec).toBe(0o2000000)
    expect(linux!.koffi.at(0)).toMatch(/@koromix[/\\]koffi-linux-x64[/\\]linux_x64[/\\]koffi\.node$/)
    expect(linux!.koffi.at(-1)).toMatch(/[/\\]koffi[/\\]index\.c?js$/)
    expect(existsSync(linux!.koffi.at(0)!)).toBe(true)
    expect(linux!.koffiVersion).toMatch(/^\d+\.\d+\.\d+$/)
    expect(nativeFiles('linux', 'loong64')?.cloexec).toBe(0o2000000)
    expect(nativeFiles('darwin', 'arm64')?.cloexec).toBe(0x1000000)
  })

  it('Windows (no openat) and 32-bit processes (a 32-bit off_t) keep node:fs', () => {
    expect(nativeFiles('win32', 'x64')).toBeUndefined()
    expect(nativeFiles('linux', 'ia32')).toBeUndefined()
    expect(nativeFiles('linux', 'arm')).toBeUndefined()
    expect(nativeFiles('freebsd', 'x64')).toBeUndefined()
  })
})
