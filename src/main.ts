import { execute, settings } from '@oclif/core'
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
  return execute({ dir: import.meta.url })
}
