import { Errors, flush, run, settings } from '@oclif/core'
import { uiOfArgv } from './commands/io.js'
import { reportFailure } from './commands/failure.js'
import { COMMANDS } from './commands/index.js'
import { refuseSecretFlags } from './commands/secret-argv.js'

// The bundle is its own command target (package.json oclif.commands): oclif's
// import of it finds this module already loaded, so start-up reads one file.
export { COMMANDS }

/** Runs the CLI. Not awaited at module level: oclif imports this very module. */
export function main(): Promise<unknown> {
  // Before oclif: its parse errors quote the word (`Nonexistent flag: --pin=739264`).
  if (refuseSecretFlags(process.argv.slice(2), Object.values(COMMANDS))) return Promise.resolve()
  // A TypeScript source tree is present in a checkout; never transpile at run time.
  settings.enableAutoTranspile = false
  // `ukey --version [--json]` is `ukey version`: the same facts, in JSON when asked (oclif's own flag knows no --json).
  const given = process.argv.slice(2)
  const argv = given[0] === '--version' || given[0] === '-v' ? ['version', ...given.slice(1)] : given
  // oclif's execute() with ukey's failure handler: what fails before a command runs
  // (a command that does not exist, help for nothing) reads in the user's language too.
  return run(argv, import.meta.url)
    .then((result) => {
      flush()
      return result
    })
    .catch((err: Error) =>
      reportFailure(err, {
        ui: uiOfArgv(argv),
        asUsage: (e) => (e instanceof Errors.CLIError ? { message: e.message, exit: e.oclif?.exit } : undefined),
        vocabulary: { commands: Object.keys(COMMANDS) },
      }),
    )
}
