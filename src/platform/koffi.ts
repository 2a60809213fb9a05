import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type KoffiApi from 'koffi'
import { elfInterpreter } from './binary-arch.js'
import { currentArch, currentPlatform } from './os.js'

/** koffi's API object (its default export; the addon itself). */
type Koffi = typeof KoffiApi

/** The koffi ukey is built and tested with (package.json pins it; a test holds the two equal). */
export const KOFFI_VERSION = '3.3.4'

/** This process's C library on Linux, as koffi's loader tells it: by the dynamic loader Node's executable names. */
export function linuxLibc(execPath: string = process.execPath): 'glibc' | 'musl' | undefined {
  const interpreter = elfInterpreter(execPath)
  if (!interpreter) return undefined
  return /(^|\/)ld-musl-/.test(interpreter) ? 'musl' : 'glibc'
}

// @koromix/koffi-<platform>-<arch>/<dir>/koffi.node, per koffi 3's platform packages: on
// Linux one build per C library (the other one might even load, through a compatibility
// layer, so the process's own C library decides, as in koffi's loader).
function addonDirs(platform: NodeJS.Platform, arch: string): string[] {
  if (platform !== 'linux') return [`${platform}_${arch}`]
  const libc = linuxLibc()
  return libc === 'musl' ? [`musl_${arch}`] : libc === 'glibc' ? [`linux_${arch}`] : []
}

/**
 * The addon files to try, in order, for this platform: none when its package is not
 * installed where ukey's own modules resolve (pnpm's strict layouts: koffi's loader then
 * finds it) or the C library cannot be told.
 */
export function koffiAddonPaths(platform: NodeJS.Platform = currentPlatform(), arch: string = currentArch()): string[] {
  let root: string
  try {
    root = dirname(createRequire(import.meta.url).resolve(`@koromix/koffi-${platform}-${arch}/package.json`))
  } catch {
    return []
  }
  return addonDirs(platform, arch).map((d) => join(root, d, 'koffi.node'))
}

let loaded: { koffi: Koffi; path: string } | undefined

/**
 * koffi loaded from its prebuilt addon, and the file it came from (a reading
 * thread loads the same one by path). koffi's own loader (koffi/index.cjs, then
 * its platform package's index.js) resolves three packages and reads Node's ELF
 * header to tell glibc from musl before it loads the addon: 6.5 ms of every
 * command that touches a token, against
 * 2.2 ms for resolving the platform package and loading its addon directly
 * (bench/README.md, session 9; renew waits for it before key generation can
 * start). The addon is all of koffi's API; the loader only adds deprecated
 * aliases ukey does not use. Any layout this does not know, or an addon of another
 * koffi version, falls back to koffi's loader, so the shortcut can only be faster,
 * never wrong. `candidates` replaces the files to try (tests).
 */
export function loadKoffiFrom(candidates?: readonly string[]): { koffi: Koffi; path: string } {
  if (!candidates && loaded) return loaded
  const require = createRequire(import.meta.url)
  let found: { koffi: Koffi; path: string } | undefined
  for (const path of candidates ?? koffiAddonPaths()) {
    try {
      const addon = require(path) as Koffi & { version?: unknown }
      // Another koffi's addon (a second copy elsewhere in node_modules) is not the API ukey was built for.
      if (addon.version === KOFFI_VERSION && typeof addon.load === 'function') {
        found = { koffi: addon, path }
        break
      }
    } catch {
      // not this one: the next, then koffi's own loader
    }
  }
  if (!found) {
    const path = require.resolve('koffi')
    const m = require(path) as Koffi & { default?: Koffi }
    found = { koffi: m.default ?? m, path }
  }
  if (!candidates) loaded = found
  return found
}

/** koffi (see above). */
export function loadKoffi(): Koffi {
  return loadKoffiFrom().koffi
}
