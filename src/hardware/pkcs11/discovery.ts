import { currentPlatform } from '../../platform/os.js'
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import type { BankProfile } from '../../profile/types.js'

export type ModuleOrigin = 'flag' | 'environment' | 'profile' | `vendor:${string}` | 'p11-kit'

export interface ModuleCandidate {
  path: string
  origin: ModuleOrigin
  /** The vendor the bank profile says this module belongs to, when known. */
  vendorCode: string | null
}

export const MODULE_ENV = 'UKEY_PKCS11_MODULE'

// p11-kit's registry (pkcs11.conf(5)): system, then admin, then packaged configs.
const P11KIT_CONFIG_DIRS = ['/etc/pkcs11/modules', '/usr/share/p11-kit/modules']
const P11KIT_MODULE_DIRS = ['/usr/lib/x86_64-linux-gnu/pkcs11', '/usr/lib/aarch64-linux-gnu/pkcs11', '/usr/lib64/pkcs11', '/usr/lib/pkcs11']

interface P11KitModule {
  module: string
  fields: Record<string, string>
}

function readP11KitConfigs(dirs: string[]): P11KitModule[] {
  const out: P11KitModule[] = []
  const seen = new Set<string>()
  for (const dir of dirs) {
    let names: string[]
    try {
      names = readdirSync(dir).filter((n) => n.endsWith('.module')).sort()
    } catch {
      continue
    }
    for (const name of names) {
      if (seen.has(name)) continue // an admin file overrides the packaged one of the same name
      seen.add(name)
      const fields: Record<string, string> = {}
      for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
        const m = /^\s*([\w-]+)\s*:\s*(.*?)\s*$/.exec(line)
        if (m) fields[m[1]!] = m[2]!
      }
      if (fields['module']) out.push({ module: fields['module'], fields })
    }
  }
  return out
}

/** A p11-kit module meant for ukey: not the trust store (CA anchors, not keys), not disabled for us. */
function wantedByUs(m: P11KitModule): boolean {
  const f = m.fields
  if (f['trust-policy'] === 'yes' || /p11-kit-trust/.test(m.module)) return false
  const list = (v: string | undefined): string[] => (v ?? '').split(',').map((x) => x.trim()).filter(Boolean)
  if (list(f['disable-in']).includes('ukey')) return false
  const enable = list(f['enable-in'])
  return enable.length === 0 || enable.includes('ukey')
}

function firstExisting(name: string, dirs: string[]): string | undefined {
  if (isAbsolute(name)) return existsSync(name) ? name : undefined
  for (const d of dirs) {
    const p = join(d, name)
    if (existsSync(p)) return p
  }
  return undefined
}

/**
 * The PKCS#11 modules to load, in order, without duplicates. `--module` or
 * UKEY_PKCS11_MODULE replaces discovery (the path is taken as given, so a missing
 * file is reported); otherwise the profile's modules, each vendor's modules found
 * in its search paths, and p11-kit's registrations on Linux.
 */
export function discoverModules(opts: {
  explicit?: string
  env?: NodeJS.ProcessEnv
  profile: BankProfile
  platform?: NodeJS.Platform
  p11kitConfigDirs?: string[]
}): ModuleCandidate[] {
  const env = opts.env ?? process.env
  const platform = opts.platform ?? currentPlatform()
  if (opts.explicit) return [{ path: opts.explicit, origin: 'flag', vendorCode: null }]
  if (env[MODULE_ENV]) return [{ path: env[MODULE_ENV]!, origin: 'environment', vendorCode: null }]

  const out: ModuleCandidate[] = []
  const seen = new Set<string>()
  const add = (path: string, origin: ModuleOrigin, vendorCode: string | null): void => {
    let key = path
    try {
      key = realpathSync(path)
    } catch {
      // keep the path as given: loading it will report what is wrong
    }
    if (seen.has(key)) return
    seen.add(key)
    out.push({ path, origin, vendorCode })
  }
  for (const m of opts.profile.pkcs11.modules) add(m, 'profile', null)
  for (const v of opts.profile.vendors) {
    for (const name of v.modules[platform] ?? []) {
      const found = firstExisting(name, v.searchPaths[platform] ?? [])
      if (found) add(found, `vendor:${v.code}`, v.code)
    }
  }
  if (platform === 'linux' && opts.profile.pkcs11.p11kit) {
    for (const m of readP11KitConfigs(opts.p11kitConfigDirs ?? P11KIT_CONFIG_DIRS)) {
      if (!wantedByUs(m)) continue
      const found = firstExisting(m.module, P11KIT_MODULE_DIRS)
      if (found) add(found, 'p11-kit', null)
    }
  }
  return out
}
