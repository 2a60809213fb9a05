import { defaultLabDir } from '../../lab/paths.js'
import { resetLab } from '../../lab/token-lab.js'
import { EXIT } from '../../output/exit-codes.js'
import { say, type Io } from '../io.js'

export interface LabResetOptions {
  dir?: string
}

/** `ukey lab reset`: removes the lab folder (only one that is a lab). Returns the exit code. */
export async function run(options: LabResetOptions, io: Io): Promise<number> {
  const dir = options.dir ?? defaultLabDir()
  say(io, io.ui.t(resetLab(dir) ? 'lab.removed' : 'lab.none', { dir }))
  return EXIT.OK
}
