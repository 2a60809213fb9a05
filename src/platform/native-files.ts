import { createRequire } from 'node:module'
import { KOFFI_VERSION, koffiAddonPaths } from './koffi.js'
import { currentArch, currentPlatform } from './os.js'

/**
 * What the reading thread needs to open, read and close files through libc's own
 * openat(2) / pread(2) / close(2) (koffi) instead of node:fs: the files koffi can be
 * loaded from (its addon directly, then its own loader: koffi.ts) and
 * this OS's O_CLOEXEC, which node:fs always adds and fs.constants does not list.
 * Measured on 100,000 certificates (2 cores, /tmp/s7/openat.cjs in bench/README.md,
 * session 7): open + read + close by absolute path through node:fs 490–510 ms of CPU,
 * openat from the file's folder through koffi 415–440 ms. The kernel walks one name,
 * not the whole path, and koffi's call is cheaper than node:fs's request. Node has no
 * openat and a worker thread cannot chdir, so no pure-Node way does this.
 * Linux and macOS only: Windows has no openat (the thread keeps node:fs there).
 */
export interface NativeFiles {
  /** Tried in order; the first that loads and is `koffiVersion` is koffi. */
  koffi: string[]
  koffiVersion: string
  cloexec: number
}

// <fcntl.h>: asm-generic (x64, arm64, loongarch64, riscv64) and Darwin's sys/fcntl.h.
const O_CLOEXEC: Partial<Record<NodeJS.Platform, number>> = { linux: 0o2000000, darwin: 0x1000000 }

// pread's off_t is 64 bits there (LP64); a 32-bit Linux's may be 32, so those keep node:fs.
const LP64 = new Set(['x64', 'arm64', 'loong64', 'riscv64', 'ppc64', 's390x', 'mips64el'])

/** The native way for this platform, or undefined (no openat, a 32-bit process, or koffi not installed). */
export function nativeFiles(platform: NodeJS.Platform = currentPlatform(), arch: string = currentArch()): NativeFiles | undefined {
  const cloexec = O_CLOEXEC[platform]
  if (cloexec === undefined || !LP64.has(arch)) return undefined
  try {
    return { koffi: [...koffiAddonPaths(platform, arch), createRequire(import.meta.url).resolve('koffi')], koffiVersion: KOFFI_VERSION, cloexec }
  } catch {
    return undefined
  }
}
