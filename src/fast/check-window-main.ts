import { run, type CheckWindowOptions } from '../app/check-window.js'
import { reportFailure } from '../commands/failure.js'
import { processIo } from '../commands/io.js'
import type { ParsedCommandLine } from './flag-spec.js'

/** check-window without oclif: the same use case and the same failure handler as the oclif command. */
export async function main(parsed: ParsedCommandLine, argv: readonly string[]): Promise<void> {
  // As @oclif/core does when it loads: a reader that closes early (`| head`) ends the output quietly.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') return
    throw err
  })
  const io = processIo(argv)
  try {
    process.exitCode = await run({ ...(parsed.flags as unknown as Omit<CheckWindowOptions, 'inputs'>), inputs: parsed.argv }, io)
  } catch (err) {
    reportFailure(err as Error, { ui: io.ui, commandId: 'check-window' })
  }
}
