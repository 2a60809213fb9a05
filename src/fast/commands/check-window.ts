// dist/fast/check-window.cjs: check-window's body and everything it loads, one file
// (no chunk to find and compile apart, bench/README.md). The same call as the oclif
// command's run() (src/commands/check-window.ts) makes after parsing.
import { run } from '../../app/check-window.js'
import type { ParsedCommandLine } from '../flag-spec.js'
import { runFast } from '../run-fast.js'

export function start(argv: readonly string[], p: ParsedCommandLine): void {
  void runFast('check-window', argv, (io) => run({ ...(p.flags as unknown as Omit<Parameters<typeof run>[0], 'inputs'>), inputs: p.argv }, io))
}
