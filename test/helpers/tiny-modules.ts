import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'

const SOURCE = join(import.meta.dirname, '..', 'fixtures', 'tiny-module', 'tiny.c')

/** The compilers scripts/setup.sh installs: Debian's gcc and mingw-w64 (gcc-mingw-w64-i686, gcc-mingw-w64-x86-64). */
export const COMPILERS = {
  'elf-x64': { cc: 'gcc', file: 'libtiny-x64.so', args: ['-shared', '-fPIC'] },
  'pe-x64': { cc: 'x86_64-w64-mingw32-gcc', file: 'tiny64.dll', args: ['-shared'] },
  'pe-x86': { cc: 'i686-w64-mingw32-gcc', file: 'tiny32.dll', args: ['-shared'] },
} as const

export type TinyKind = keyof typeof COMPILERS

/** Builds the tiny module for each kind into `dir`; returns the paths by kind. */
export function buildTinyModules(dir: string, kinds: TinyKind[] = Object.keys(COMPILERS) as TinyKind[]): Record<TinyKind, string> {
  mkdirSync(dir, { recursive: true })
  const out = {} as Record<TinyKind, string>
  for (const kind of kinds) {
    const { cc, file, args } = COMPILERS[kind]
    const path = join(dir, file)
    execFileSync(cc, [...args, '-o', path, SOURCE], { stdio: ['ignore', 'ignore', 'inherit'] })
    out[kind] = path
  }
  return out
}
