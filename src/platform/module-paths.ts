import { posix, win32 } from 'node:path'

/**
 * Where an OS keeps shared libraries a PKCS#11 module may be installed to,
 * for this process's architecture. `native` holds what this process can
 * load; `foreign` holds the other bitness's folders, looked into only to
 * explain a module that is there and nowhere else (issue 14: a vendor tool
 * that installs only its 32-bit DLL, into SysWOW64, under 64-bit Node).
 */
export interface ModuleDirs {
  native: string[]
  foreign: string[]
}

// Debian multiarch triplets (https://wiki.debian.org/Multiarch/Tuples) by Node's process.arch:
// the loongarch64, riscv64 and mips64el machines Chinese branches increasingly use included.
const LINUX_TRIPLETS: Record<string, string> = {
  x64: 'x86_64-linux-gnu',
  arm64: 'aarch64-linux-gnu',
  loong64: 'loongarch64-linux-gnu',
  riscv64: 'riscv64-linux-gnu',
  mips64el: 'mips64el-linux-gnuabi64',
  ia32: 'i386-linux-gnu',
  arm: 'arm-linux-gnueabihf',
}

const IS_32_BIT = new Set(['ia32', 'arm', 'mipsel', 'mips'])

/** The system folders to search for a module file name, per OS and architecture. */
export function systemModuleDirs(platform: NodeJS.Platform = process.platform, arch: string = process.arch, env: NodeJS.ProcessEnv = process.env): ModuleDirs {
  if (platform === 'win32') return windowsDirs(arch, env)
  if (platform === 'darwin') return { native: ['/usr/local/lib', '/opt/homebrew/lib', '/Library/Frameworks'], foreign: [] }
  const triplet = LINUX_TRIPLETS[arch]
  const lib64 = IS_32_BIT.has(arch) ? [] : ['/usr/lib64']
  return { native: [...(triplet ? [`/usr/lib/${triplet}`] : []), '/usr/lib', ...lib64, '/usr/local/lib'], foreign: [] }
}

/** p11-kit's folders for module files named without a path in its .module configs (pkcs11.conf(5)). */
export function p11kitModuleDirs(arch: string = process.arch): string[] {
  const triplet = LINUX_TRIPLETS[arch]
  return [...(triplet ? [`/usr/lib/${triplet}/pkcs11`] : []), ...(IS_32_BIT.has(arch) ? [] : ['/usr/lib64/pkcs11']), '/usr/lib/pkcs11']
}

/**
 * Windows: System32 holds the OS's native DLLs. A 32-bit process on 64-bit
 * Windows is redirected from System32 to SysWOW64 by the file-system
 * redirector, so SysWOW64 is its folder; for a 64-bit process SysWOW64 (and
 * Program Files (x86)) hold DLLs it cannot load.
 */
function windowsDirs(arch: string, env: NodeJS.ProcessEnv): ModuleDirs {
  const root = env['SystemRoot'] ?? env['SYSTEMROOT'] ?? 'C:\\Windows'
  const system32 = win32.join(root, 'System32')
  const wow64 = win32.join(root, 'SysWOW64')
  if (IS_32_BIT.has(arch)) return { native: [system32, wow64], foreign: [] }
  return { native: [system32], foreign: [wow64] }
}

/**
 * Vendors' install folders, written with Windows variables (%ProgramFiles%…):
 * %ProgramFiles% is the process's own bitness's folder; a 64-bit process sees
 * the 32-bit one as %ProgramFiles(x86)%.
 */
export function expandWindowsVariables(path: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  let missing = false
  const out = path.replace(/%([^%]+)%/g, (_m, name: string) => {
    const key = Object.keys(env).find((k) => k.toLowerCase() === name.toLowerCase())
    const value = key ? env[key] : undefined
    if (value === undefined) missing = true
    return value ?? ''
  })
  return missing ? undefined : out
}

/** The path functions of the OS the paths are for (tests compute Windows paths on Linux). */
export function pathFor(platform: NodeJS.Platform): typeof posix {
  return platform === 'win32' ? win32 : posix
}
