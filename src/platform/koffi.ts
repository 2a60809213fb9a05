import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type KoffiApi from 'koffi'
import { currentArch, currentPlatform } from './os.js'

/** koffi's API object (its default export; the addon itself). */
type Koffi = typeof KoffiApi

// @koromix/koffi-<platform>-<arch>/<dir>/koffi.node, per koffi 3's platform packages: on
// Linux one build per C library, the glibc one first (a musl process cannot load it and
// takes the next).
function addonDirs(platform: NodeJS.Platform, arch: string): string[] {
  return platform === 'linux' ? [`linux_${arch}`, `musl_${arch}`] : [`${platform}_${arch}`]
}

/** The addon files to try, in order, for this platform (none when its package is not installed). */
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
 * aliases ukey does not use. Any layout this does not know (another koffi, a
 * bundler's copy) falls back to koffi's loader, so the shortcut can only be
 * faster, never wrong.
 */
export function loadKoffiFrom(): { koffi: Koffi; path: string } {
  if (loaded) return loaded
  const require = createRequire(import.meta.url)
  for (const path of koffiAddonPaths()) {
    try {
      const addon = require(path) as Koffi
      // The wrong C library's build fails to load above; anything else without koffi's API is not it.
      if (typeof addon.load === 'function' && typeof addon.struct === 'function') return (loaded = { koffi: addon, path })
    } catch {
      // not this one: the next, then koffi's own loader
    }
  }
  const path = require.resolve('koffi')
  const m = require(path) as Koffi & { default?: Koffi }
  return (loaded = { koffi: m.default ?? m, path })
}

/** koffi (see above). */
export function loadKoffi(): Koffi {
  return loadKoffiFrom().koffi
}
