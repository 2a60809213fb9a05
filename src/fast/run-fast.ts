import type { Io } from '../app/io.js'
import { reportFailure } from '../commands/failure.js'
import { processIo } from '../commands/io.js'

/** A command without oclif: the same Io and the same failure handler as its oclif command (src/commands/base-command.ts). */
export async function runFast(commandId: string, argv: readonly string[], body: (io: Io) => Promise<number>): Promise<void> {
  // A reader that closes early (`| head`) and a failing device are handled where stdout is made (commands/io.ts).
  const io = processIo(argv)
  try {
    process.exitCode = await body(io)
  } catch (err) {
    reportFailure(err as Error, { ui: io.ui, commandId })
  }
}
