// The entry of dist/fast/entry.cjs. bin/run.js asks it first for the commands
// people type most (check-window, detect, diagnose, renew): a plain command line runs
// without loading @oclif/core (most of their start-up time, bench/README.md);
// anything else (help, usage errors, unusual forms, oclif's debug settings) is
// left to oclif. This module stays small: it only reads the line. The command's
// own bundle (dist/fast/<id>.cjs, src/fast/commands/) is loaded once its line is accepted.
import { parseFast, type CommandSpec, type ParsedCommandLine } from './flag-spec.js'

// The commands' flags as JSON text, put here by scripts/build.mjs from the oclif command classes.
declare const UKEY_FAST_SPECS: string
/** The specs this build parses with, by command id (a test holds them equal to the command classes' flags). */
export const specs = JSON.parse(UKEY_FAST_SPECS) as Record<string, CommandSpec>

/** Settings under which oclif itself prints something (its debug log) or behaves otherwise. */
const OCLIF_ENV = ['DEBUG', 'CLI_FLAGS_DEBUG', 'UKEY_DEBUG']

/** Command `id`'s line (`argv` after the command id) as its body takes it, or undefined for oclif to run it. */
export function acceptLine(id: string, argv: readonly string[]): ParsedCommandLine | undefined {
  const spec = specs[id]
  if (!spec || OCLIF_ENV.some((name) => process.env[name])) return undefined
  try {
    // oclif warns when the working directory is gone.
    process.cwd()
  } catch {
    return undefined
  }
  return parseFast(argv, spec)
}
