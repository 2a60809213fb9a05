// The entry of dist/fast/entry.js. bin/run.js asks it first for the commands
// people type most (check-window, detect, diagnose, renew): a plain command line runs
// here without loading @oclif/core (most of their start-up time, bench/README.md);
// anything else (help, usage errors, unusual forms, oclif's debug settings) is
// left to oclif. This module stays small: a command's body is loaded only once
// its line is accepted.
import { parseFast, type CommandSpec, type ParsedCommandLine } from './flag-spec.js'
import type { Io } from '../app/io.js'

// The commands' flags as JSON text, put here by scripts/build.mjs from the oclif command classes.
declare const UKEY_FAST_SPECS: string
/** The specs this build parses with, by command id (a test holds them equal to the command classes' flags). */
export const specs = JSON.parse(UKEY_FAST_SPECS) as Record<string, CommandSpec>

type Body = (parsed: ParsedCommandLine, io: Io) => Promise<number>

// Each the same call as its oclif command's run() (src/commands/*.ts) makes after parsing.
const BODIES: Record<string, () => Promise<Body>> = {
  'check-window': async () => {
    const { run } = await import('../app/check-window.js')
    return (p, io) => run({ ...(p.flags as unknown as Omit<Parameters<typeof run>[0], 'inputs'>), inputs: p.argv }, io)
  },
  // --watch is left to oclif (its signal handling lives in the command).
  detect: async () => {
    const { run } = await import('../app/detect.js')
    return (p, io) => run(p.flags as unknown as Parameters<typeof run>[0], io)
  },
  diagnose: async () => {
    const { run } = await import('../app/diagnose.js')
    return (p, io) => run({ ...(p.flags as unknown as Parameters<typeof run>[0]), code: p.args?.['code'] }, io)
  },
  // Start-up is a third of a lab renewal's time (bench/renew): oclif's share of it is worth saving here too.
  renew: async () => {
    const { renewBody } = await import('../commands/renew-body.js')
    return (p, io) => renewBody(p.flags as unknown as Parameters<typeof renewBody>[0], io)
  },
}

/** Settings under which oclif itself prints something (its debug log) or behaves otherwise. */
const OCLIF_ENV = ['DEBUG', 'CLI_FLAGS_DEBUG', 'UKEY_DEBUG']

/** Runs command `id` with `argv` (after the command id) and returns true, or returns false for oclif to run it. */
export function tryRun(id: string, argv: readonly string[]): boolean {
  const spec = specs[id]
  const body = BODIES[id]
  if (!spec || !body || OCLIF_ENV.some((name) => process.env[name])) return false
  try {
    // oclif warns when the working directory is gone.
    process.cwd()
  } catch {
    return false
  }
  const parsed = parseFast(argv, spec)
  if (!parsed) return false
  void Promise.all([body(), import('./run-fast.js')]).then(([run, { runFast }]) => runFast(id, argv, (io) => run(parsed, io)))
  return true
}
