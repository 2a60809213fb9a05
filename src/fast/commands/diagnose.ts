// dist/fast/diagnose.cjs: diagnose's body in one file; the same call as the oclif
// command's run() (src/commands/diagnose.ts).
import { run } from '../../app/diagnose.js'
import type { ParsedCommandLine } from '../flag-spec.js'
import { runFast } from '../run-fast.js'

export function start(argv: readonly string[], p: ParsedCommandLine): void {
  void runFast('diagnose', argv, (io) => run({ ...(p.flags as unknown as Parameters<typeof run>[0]), code: p.args?.['code'] }, io))
}
