import { createRequire } from 'node:module'

/**
 * V8 settings changed for the rest of a short process, by the CLI only: an
 * in-process caller (a test, a program embedding ukey) keeps Node's own.
 *
 * Why not at start-up: a changed flag makes Node compile each built-in module
 * loaded afterwards from source instead of its embedded code cache (node:http
 * and node:https 3.5 → 11.3 ms), so the change waits until the modules the
 * rest of the command needs are loaded.
 */
let allowed = false

/** Called by the process's own entry (src/fast/commands/renew.ts). */
export function allowV8Tuning(): void {
  allowed = true
}

/**
 * No optimising compiler from here on. A renewal runs each function a few times;
 * TurboFan's background jobs (~30 ms of CPU) ran while the token generated the key
 * on the other core of a 2-core machine and slowed the generation. Stopped once
 * the CMP client is loaded: a renewal took 14 ms less (wall time less the key
 * generation's own CPU time, medians of 25; stopped at start-up instead, 9 ms less:
 * the built-in modules lost their cache; bench/README.md, session 9). Node 20 has no
 * Maglev by default; where a later Node has it, it still runs (its default cannot be
 * read back, and the build's code cache needs the flags restored exactly).
 */
export function stopOptimising(): void {
  if (!allowed) return
  allowed = false
  ;(createRequire(import.meta.url)('node:v8') as typeof import('node:v8')).setFlagsFromString('--no-turbofan')
}
