// dist/fast/detect.cjs: detect's body in one file; the same call as the oclif
// command's run() (src/commands/detect.ts). --watch is left to oclif (its signal
// handling lives in the command).
import { run } from '../../app/detect.js'
import type { ParsedCommandLine } from '../flag-spec.js'
import { runFast } from '../run-fast.js'

export function start(argv: readonly string[], p: ParsedCommandLine): void {
  void runFast('detect', argv, (io) => run(p.flags as unknown as Parameters<typeof run>[0], io))
}
