// The entry of dist/fast/check-window.js. bin/run.js asks it first for
// `ukey check-window …`: a plain command line runs here without loading
// @oclif/core (two thirds of the start-up time of one file, bench/README.md);
// anything else (help, usage errors, unusual forms) is left to oclif. This
// module stays small: the command itself is loaded only once the line is accepted.
import { parseFast, type CommandSpec } from './flag-spec.js'

// CheckWindow's flags as JSON text, put here by scripts/build.mjs from the oclif command class.
declare const UKEY_CHECK_WINDOW_SPEC: string
/** The spec this build parses with (a test holds it equal to the command class's flags). */
export const spec = JSON.parse(UKEY_CHECK_WINDOW_SPEC) as CommandSpec

/** Settings under which oclif itself prints something (its debug log) or behaves otherwise. */
const OCLIF_ENV = ['DEBUG', 'CLI_FLAGS_DEBUG', 'UKEY_DEBUG']

/** Runs `check-window` with `argv` (after the command id) and returns true, or returns false for oclif to run it. */
export function tryCheckWindow(argv: readonly string[]): boolean {
  if (OCLIF_ENV.some((name) => process.env[name])) return false
  try {
    // oclif warns when the working directory is gone.
    process.cwd()
  } catch {
    return false
  }
  const parsed = parseFast(argv, spec)
  if (!parsed) return false
  void import('./check-window-main.js').then((m) => m.main(parsed, argv))
  return true
}
