import { currentArch, currentPlatform } from '../../platform/os.js'
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs'
import { join } from 'node:path'
import { UkeyError } from '../../errors.js'
import { archMismatch } from '../../platform/binary-arch.js'
import { expandWindowsVariables, p11kitModuleDirs, pathFor, systemModuleDirs } from '../../platform/module-paths.js'
import type { BankProfile } from '../../profile/types.js'
import { MODULE_MAKERS, type ModuleMaker } from '../module-makers.js'

export type ModuleOrigin = 'flag' | 'environment' | 'profile' | `vendor:${string}` | `maker:${string}` | 'p11-kit'

export interface ModuleCandidate {
  path: string
  origin: ModuleOrigin
  /** The vendor the bank profile says this module belongs to, when known. */
  vendorCode: string | null
  /** Why this module cannot be loaded here, known before loading it (its machine type): reported, never loaded. */
  problem?: UkeyError
}

export const MODULE_ENV = 'UKEY_PKCS11_MODULE'

// p11-kit's registry (pkcs11.conf(5)): system, then admin, then packaged configs.
const P11KIT_CONFIG_DIRS = ['/etc/pkcs11/modules', '/usr/share/p11-kit/modules']

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

function firstExisting(name: string, dirs: string[], platform: NodeJS.Platform): string | undefined {
  const path = pathFor(platform)
  if (path.isAbsolute(name)) return existsSync(name) ? name : undefined
  for (const d of dirs) {
    const p = path.join(d, name)
    if (existsSync(p)) return p
  }
  return undefined
}

/**
 * PKCS11_MODULE_WRONG_ARCH when the library's header names another machine
 * than this process's: a 64-bit process cannot load a 32-bit DLL, and the
 * loader would only say "Bad EXE format" / "wrong ELF class".
 */
export function wrongArchProblem(path: string, arch: string = currentArch()): UkeyError | undefined {
  const m = archMismatch(path, arch)
  if (!m) return undefined
  return new UkeyError('PKCS11_MODULE_WRONG_ARCH', {
    params: { path, moduleBits: m.moduleBits, moduleMachine: m.module.machines.join('+'), processBits: m.processBits, processMachine: m.processMachine },
  })
}

/**
 * The PKCS#11 modules to load, in order, without duplicates. `--module` or
 * UKEY_PKCS11_MODULE replaces discovery (the path is taken as given, so a missing
 * file is reported); otherwise the profile's modules, each vendor's modules found
 * in its own folders and the system's (platform/module-paths.ts), and p11-kit's
 * registrations on Linux. Each candidate whose machine type this process cannot
 * load carries that as its `problem`. A vendor module found only in the other
 * bitness's folder (SysWOW64 under 64-bit Node) is listed with that problem, so
 * the user learns why instead of "no module".
 */
export function discoverModules(opts: {
  explicit?: string
  env?: NodeJS.ProcessEnv
  profile: BankProfile
  platform?: NodeJS.Platform
  arch?: string
  p11kitConfigDirs?: string[]
  /** Other bank-key makers' modules (default: the built-in list). */
  makers?: ModuleMaker[]
}): ModuleCandidate[] {
  const env = opts.env ?? process.env
  const platform = opts.platform ?? currentPlatform()
  const arch = opts.arch ?? currentArch()
  const withProblem = (c: ModuleCandidate): ModuleCandidate => {
    const problem = wrongArchProblem(c.path, arch)
    return problem ? { ...c, problem } : c
  }
  if (opts.explicit) return [withProblem({ path: opts.explicit, origin: 'flag', vendorCode: null })]
  if (env[MODULE_ENV]) return [withProblem({ path: env[MODULE_ENV]!, origin: 'environment', vendorCode: null })]

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
  const system = systemModuleDirs(platform, arch, env)
  const findAll = (owner: Pick<ModuleMaker, 'modules' | 'searchPaths'>, origin: ModuleOrigin, vendorCode: string | null): void => {
    const own = (owner.searchPaths[platform] ?? []).flatMap((d) => (platform === 'win32' ? (expandWindowsVariables(d, env) ?? []) : [d]))
    for (const name of owner.modules[platform] ?? []) {
      const found = firstExisting(name, [...own, ...system.native], platform) ?? firstExisting(name, system.foreign, platform)
      if (found) add(found, origin, vendorCode)
    }
  }
  for (const v of opts.profile.vendors) findAll(v, `vendor:${v.code}`, v.code)
  for (const m of opts.makers ?? MODULE_MAKERS) findAll(m, `maker:${m.id}`, null)
  if (platform === 'linux' && opts.profile.pkcs11.p11kit) {
    for (const m of readP11KitConfigs(opts.p11kitConfigDirs ?? P11KIT_CONFIG_DIRS)) {
      if (!wantedByUs(m)) continue
      const found = firstExisting(m.module, p11kitModuleDirs(arch), platform)
      if (found) add(found, 'p11-kit', null)
    }
  }
  return out.map(withProblem)
}
