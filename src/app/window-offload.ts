import { availableParallelism } from 'node:os'
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
 * number of threads (default: one per core; the main thread mostly waits, walking the
 * tree and writing what they send).
 */
export function windowOffload(settings: WindowBatchSettings, env: Readonly<Record<string, string | undefined>>): (() => Promise<ThreadProgram | undefined>) | undefined {
  if (env['UKEY_READ_THREAD'] === 'read' || env['UKEY_READ_THREAD'] === 'off') return undefined
  return async () => {
    const { windowWorkerSource } = await import('./window-worker-source.js')
    if (!windowWorkerSource) return undefined
    const threads = Math.max(1, Math.min(8, Number(env['UKEY_BATCH_THREADS']) || availableParallelism()))
    return { source: windowWorkerSource, settings, threads }
  }
}
