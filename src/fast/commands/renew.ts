// dist/fast/renew.cjs: renew's body in one file; the same call as the oclif
// command's run() (src/commands/renew.ts, both through commands/renew-body.ts).
// Start-up is a third of a lab renewal's time (bench/renew): oclif's share of it
// is worth saving here too.
import { renewBody } from '../../commands/renew-body.js'
import { allowV8Tuning } from '../../platform/v8-tuning.js'
import type { ParsedCommandLine } from '../flag-spec.js'
import { runFast } from '../run-fast.js'

export function start(argv: readonly string[], p: ParsedCommandLine): void {
  // This process only: the renewal stops V8's optimising compiler once its modules are loaded (platform/v8-tuning.ts).
  allowV8Tuning()
  void runFast('renew', argv, (io) => renewBody(p.flags as unknown as Parameters<typeof renewBody>[0], io))
}
