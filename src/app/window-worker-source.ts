import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

// window-worker.ts bundled as one CommonJS script by scripts/build.mjs, and how to
// get it: the oclif bundle embeds it (in this module's own lazily imported chunk);
// the fast path's bundles name a file beside them (dist/fast/window-worker.cjs), read
// only when a batch's threads start — a single file never reads its ~150 KB. Both are
// absent when running from source (the tests of src/): the threads then only read.
declare const UKEY_WINDOW_WORKER: string | undefined
declare const UKEY_WINDOW_WORKER_FILE: string | undefined

export function windowWorkerSource(): string | undefined {
  if (typeof UKEY_WINDOW_WORKER === 'string') return UKEY_WINDOW_WORKER
  if (typeof UKEY_WINDOW_WORKER_FILE !== 'string') return undefined
  try {
    return readFileSync(fileURLToPath(new URL(UKEY_WINDOW_WORKER_FILE, import.meta.url)), 'utf8')
  } catch {
    // A damaged install: the plain reading thread does the batch.
    return undefined
  }
}
