import { Flags } from '@oclif/core'
import { run } from '../app/renew.js'
import type { Checkpoint } from '../renewal/transaction.js'
import { UkeyCommand } from './base-command.js'
import { moduleFlags, selectFlags } from './token-flags.js'

export default class Renew extends UkeyCommand {
  static override summary = 'Renew the certificate on a USB key (crash-safe: the old certificate works until the new one is stored and confirmed)'
  static override description = `The bank's "certificate expiry renewal" (FAQ 4–6) from the command line. Checks the renewal window first (outside it: refused with 0116 before the bank is contacted; lapsed: a new key at the counter), logs in (PIN from --pin-stdin, UKEY_PIN or a masked prompt; never an argument), generates a new key pair on the key under a fresh CKA_ID, sends a CMP key update request signed by the old key (the proof of possession by the new key), waits while the bank says so, verifies the answer (the bank CA's signature, the new key, the old subject), stores the new certificate beside the new key and checks that the pair signs, confirms to the bank, and only then removes the old key pair and certificate.
Every step is journalled (no secrets) before and after it runs. If anything stops the renewal — the network, the server, the key pulled out, the process killed — the old certificate still works, and running \`ukey renew\` again finishes the renewal or rolls back what was added. \`--status\` lists unfinished renewals.
Exit codes: 0 renewed (or dry run passed, or nothing to do); 2 usage (e.g. no --yes without a terminal); 3 no key, module or certificate; 30 refused (0116 outside the window or already renewed, 403.7 not accepted as signed by a valid certificate) — retrying will not help; 31 not completed (server unreachable, key generation failed 0124, interrupted by Ctrl-C/SIGTERM/SIGHUP or the server forgetting the request) — the old certificate works, rerun; 130 interrupted before anything was changed.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>                          # the plugged key; asks before changing it',
    '<%= config.bin %> <%= command.id %> --dry-run                # every check, no change',
    '<%= config.bin %> <%= command.id %> --lab --yes              # on the embedded lab (with `ukey lab serve` running)',
    'UKEY_PIN=… <%= config.bin %> <%= command.id %> --serial 2100012345678901 --yes --json',
    '<%= config.bin %> <%= command.id %> --status                 # unfinished renewals',
  ]

  static override flags = {
    ...selectFlags,
    id: Flags.string({ description: 'the certificate to renew (its CKA_ID, hex), when the key holds several', helpGroup: 'TOKEN' }),
    ...moduleFlags,
    'pin-stdin': Flags.boolean({ description: 'read the PIN from the first line of standard input (else UKEY_PIN, else a masked prompt)', helpGroup: 'TOKEN' }),
    force: Flags.boolean({ description: 'log in even when the key reports its final PIN try', helpGroup: 'TOKEN' }),
    yes: Flags.boolean({ char: 'y', description: 'do not ask before changing the key' }),
    'dry-run': Flags.boolean({ description: 'check everything that changes nothing: window, key, PIN state, the bank server reachable and trusted' }),
    status: Flags.boolean({ description: 'list unfinished (journalled) renewals and exit: 0 none, 31 some' }),
    server: Flags.string({ description: 'the bank\'s CMP URL instead of the profile\'s (a standby server, a test server)' }),
    json: Flags.boolean({ description: 'one JSON document (docs/schema/renew.schema.json)' }),
    tz: Flags.string({ description: 'time zone for dates shown to people (IANA name, default: the system\'s)' }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Renew)
    // A dry run changes nothing: the default action of a signal (exit) is right for it.
    const interruption = flags['dry-run'] ? undefined : interruptOnSignals()
    try {
      process.exitCode = await run({ ...flags, ...testCheckpoint(), ...(interruption ? { signal: interruption.signal } : {}) }, this.io)
    } finally {
      interruption?.dispose()
    }
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
