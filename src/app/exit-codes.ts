import { EXIT } from '../output/exit-codes.js'
import { EXIT_CODE_TABLE, exitCodeText } from '../output/exit-code-table.js'
import type { Io } from './io.js'

export interface ExitCodesOptions {
  json: boolean
}

/** `ukey exit-codes`: the exit-code contract, as text or JSON. */
export async function run(options: ExitCodesOptions, io: Io): Promise<number> {
  io.stdout.write(options.json ? JSON.stringify(EXIT_CODE_TABLE, null, 2) + '\n' : exitCodeText(io.ui.t) + '\n')
  return EXIT.OK
}
