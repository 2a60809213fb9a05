// window-worker.ts bundled as one CommonJS script, put here by scripts/build.mjs. In a
// module of its own, imported only when a batch's threads start: a single file never
// parses the program's few hundred KB. Absent when running from source (the tests of
// src/): the threads then only read.
declare const UKEY_WINDOW_WORKER: string | undefined

export const windowWorkerSource: string | undefined = typeof UKEY_WINDOW_WORKER === 'string' ? UKEY_WINDOW_WORKER : undefined
