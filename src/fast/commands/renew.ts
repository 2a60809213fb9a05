// dist/fast/renew.cjs: renew's body in one file; the same call as the oclif
// command's run() (src/commands/renew.ts, both through commands/renew-body.ts).
// Start-up is a third of a lab renewal's time (bench/renew): oclif's share of it
// is worth saving here too.
import { setFlagsFromString } from 'node:v8'
import { renewBody } from '../../commands/renew-body.js'
import type { ParsedCommandLine } from '../flag-spec.js'
import { runFast } from '../run-fast.js'

export function start(argv: readonly string[], p: ParsedCommandLine): void {
  // No optimising compiler for a renewal: it runs each function a few times, and
  // TurboFan's background jobs (~30 ms of CPU) ran mostly while the token generated the
  // key on the other core, slowing the generation. Without them a renewal took ~9 ms
  // less (wall time less the generation's own CPU time, medians of 25; bench/README.md,
  // session 9). Set after the bundle loaded: V8 accepts its code cache only under the
  // flags it was made with (scripts/fast-code-cache.cjs restores them before saving).
  setFlagsFromString('--no-turbofan')
  void runFast('renew', argv, (io) => renewBody(p.flags as unknown as Parameters<typeof renewBody>[0], io))
}
