import { availableParallelism } from 'node:os'
import { othersRunnable } from '../platform/cpu-load.js'
import type { ThreadProgram } from '../hardware/soft-store/file-reader.js'
import type { Lang } from '../i18n/index.js'
import type { BankProfile } from '../profile/types.js'

/** What a batch thread needs to make the lines the main thread would make (window-worker.ts). */
export interface WindowBatchSettings {
  lang: Lang
  verbose: boolean
  profile: BankProfile
  /** The instant, ms since the epoch. */
  at: number
  tz: string | undefined
  /** ndjson lines; false for --quiet (states only). */
  render: boolean
}

/**
 * check-window's thread program for many files (issue 16: both cores), or undefined
 * to keep the plain reader thread. UKEY_READ_THREAD=read keeps the plain reader and
 * =off has no thread at all (bench/run.sh compares them); UKEY_BATCH_THREADS sets the
 * number of threads, UKEY_BATCH_FROM the batch they start at (read-certificates.ts).
 * Default: one per core but one, because the main thread works too (it walks the
 * tree, writes, and does every batch or rest of a batch no thread has taken). Measured on
 * 2 cores (CPU time per thread, 100,000 files, ndjson, load 8–18, bench/README.md):
 * one thread 3.0 s in all, main 1.4 s, thread 1.2 s; two threads 3.6 s in all (each
 * isolate starts Node and compiles and optimises the program again), main 1.35 s.
 */
export function windowOffload(settings: WindowBatchSettings, env: Readonly<Record<string, string | undefined>>): (() => Promise<ThreadProgram | undefined>) | undefined {
  if (env['UKEY_READ_THREAD'] === 'read' || env['UKEY_READ_THREAD'] === 'off') return undefined
  // --quiet renders nothing, so a thread has only decoding to take over, and its start and
  // warm-up are not repaid: 100,000 files, 2 cores, load 0.7–2, bench/run.sh and hyperfine
  // 2026-11-30 20:20–20:27: 1,183 vs 1,033 ms and 1,073 vs 937 ms with / without it.
  // UKEY_BATCH_THREADS still asks for them (the tests hold their output byte-identical).
  if (!settings.render && !env['UKEY_BATCH_THREADS']) return undefined
  // On 2 cores the reading thread now wins for ndjson too: once decoding and rendering got
  // ~2× cheaper (2026-11-30 21:55, quiet machine, hyperfine), a program thread's own start,
  // warm-up and second JIT (its isolate optimises the same code again, on the same two
  // cores) cost more than it takes off the main thread: 100,000 files 1,347 vs 1,174 ms,
  // 20,000 files 638 vs 461 ms. With more cores the main thread is the limit of the
  // reading thread's way (it decodes and renders every file) and threads render in
  // parallel: they are the default from 4 cores on (not measured here: a 2-core machine).
  if (!env['UKEY_BATCH_THREADS'] && availableParallelism() < 4) return undefined
  return async () => {
    const source = (await import('./window-worker-source.js')).windowWorkerSource()
    if (!source) return undefined
    // Only with a free core: when the cores are taken the split costs CPU and gains nothing
    // (2 cores, 100k ndjson: 1,454 vs 1,672 ms at load 2; 3,121 vs 2,539 ms at load 5,
    // bench/README.md). A core is free when fewer other tasks want one than there are
    // cores beside this thread (the reading thread, running by now, is ours: not counted).
    // UKEY_BATCH_THREADS asks for them whatever the load.
    if (!env['UKEY_BATCH_THREADS'] && othersRunnable(1) >= availableParallelism() - 1) return undefined
    const threads = Math.max(1, Math.min(8, Number(env['UKEY_BATCH_THREADS']) || availableParallelism() - 1))
    return { source, settings, threads }
  }
}
