import type { Io } from '../app/io.js'
import { wantsJson } from '../app/output-format.js'
import { run, type RenewOptions } from '../app/renew.js'
import type { Checkpoint } from '../renewal/transaction.js'

/** `ukey renew`'s flags as parsed, by oclif (commands/renew.ts) or by the fast path (src/fast/entry.ts). */
export type RenewFlags = Omit<RenewOptions, 'json' | 'checkpoint' | 'signal'> & { json?: boolean; output?: string }

/**
 * What `ukey renew` does once its line is parsed, without @oclif/core: the same
 * body for the oclif command and the fast path (bin/run.js), so both honour the
 * signals and the test seam alike. Returns the exit code.
 */
export async function renewBody(flags: RenewFlags, io: Io): Promise<number> {
  // A dry run changes nothing: the default action of a signal (exit) is right for it.
  const interruption = flags['dry-run'] ? undefined : interruptOnSignals()
  try {
    return await run({ ...flags, json: wantsJson(flags), ...testCheckpoint(), ...(interruption ? { signal: interruption.signal } : {}) }, io)
  } finally {
    interruption?.dispose()
  }
}

/**
 * Ctrl-C, SIGTERM (a service manager, `kill`) and SIGHUP (the terminal closed)
 * abort the renewal at its next safe point instead of killing it mid-step: the
 * transaction keeps its journal and says so (exit 31), or, when nothing was
 * changed yet, exits 130. A second signal while stopping changes nothing: the
 * stop is at most one token call or one HTTP exchange away.
 */
function interruptOnSignals(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController()
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']
  const onSignal = (sig: NodeJS.Signals): void => controller.abort(sig)
  for (const sig of signals) process.on(sig, onSignal)
  return {
    signal: controller.signal,
    dispose: () => {
      signals.forEach((sig) => process.off(sig, onSignal))
      // A PIN prompt or `--pin-stdin` read abandoned by the interruption would keep the process alive: nothing more is read.
      if (controller.signal.aborted) process.stdin.destroy()
    },
  }
}

/**
 * The one place a test-only switch is read (issue 12: no environment read below
 * the commands): `UKEY_TEST_CRASH_AFTER=<point>` SIGKILLs the process at that
 * checkpoint of the transaction — a step's name once its end is journalled, or
 * `old-removed:<certificate|private-key|public-key>` after that single object's
 * removal — what a power cut does, with no chance to clean up (test/cli/renew.test.ts).
 */
function testCheckpoint(): { checkpoint?: Checkpoint } {
  const at = process.env['UKEY_TEST_CRASH_AFTER']
  return at ? { checkpoint: (point) => void (point === at && process.kill(process.pid, 'SIGKILL')) } : {}
}
