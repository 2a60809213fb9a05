import { runCheckWindow, type CheckWindowFlags } from '../app/check-window.js'
import { argvContext } from '../app/command-context.js'
import { reportFailure } from '../app/failure.js'
import type { ParsedCommandLine } from './flag-spec.js'

/** check-window without oclif: the same body and the same failure handler as the oclif command. */
export async function main(parsed: ParsedCommandLine, argv: readonly string[]): Promise<void> {
  // As @oclif/core does when it loads: a reader that closes early (`| head`) ends the output quietly.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') return
    throw err
  })
  const ctx = argvContext(argv)
  try {
    await runCheckWindow(parsed.argv, parsed.flags as unknown as CheckWindowFlags, ctx)
  } catch (err) {
    reportFailure(err as Error, { ui: ctx.ui, commandId: 'check-window' })
  }
}
