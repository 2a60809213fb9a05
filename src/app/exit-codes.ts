import { EXIT } from '../output/exit-codes.js'
import { SCHEMA_VERSION } from '../output/schema-version.js'
import { EXIT_CODE_TABLE, exitCodeText } from '../output/exit-code-table.js'
import type { Io } from './io.js'

export interface ExitCodesOptions {
  json: boolean
}

/** `ukey exit-codes`: the exit-code contract, as text or JSON. */
export async function run(options: ExitCodesOptions, io: Io): Promise<number> {
  // No profile is read: `lab` is false, as for any document not about the lab.
  const doc = { schemaVersion: SCHEMA_VERSION, kind: 'ukey.exit-codes', lab: false, exitCode: EXIT.OK, codes: EXIT_CODE_TABLE }
  io.stdout.write(options.json ? JSON.stringify(doc, null, 2) + '\n' : exitCodeText(io.ui.t) + '\n')
  return EXIT.OK
}
