import { createRequire } from 'node:module'
import type { Worker } from 'node:worker_threads'

// The reader thread: plain open / read / close of regular files, the bytes
// packed into one transferred buffer per request. No decoding and no objects
// cross threads: the earlier attempt that decoded in workers doubled the peak
// RSS with the structured clones (bench/README.md). A file it cannot read in one
// read (an error, 256 KiB or more) comes back as -1: the caller reads it itself.
// CommonJS source, evaluated: no file to resolve next to the bundle or in tests.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads')
const { openSync, readSync, closeSync, constants } = require('node:fs')
// Non-blocking open: a name swapped for a FIFO since the directory listing must not stall the thread.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK || 0)
const SCRATCH = Buffer.allocUnsafe(256 * 1024)
parentPort.on('message', ({ id, paths }) => {
  const ends = new Int32Array(paths.length)
  let out = new Uint8Array(Math.max(64 * 1024, paths.length * 2048))
  let o = 0
  for (let i = 0; i < paths.length; i++) {
    let n = -1
    try {
      const fd = openSync(paths[i], OPEN_FLAGS)
      try { n = readSync(fd, SCRATCH, 0, SCRATCH.length, 0) } finally { closeSync(fd) }
    } catch { n = -1 }
    if (n < 0 || n >= SCRATCH.length) { ends[i] = -1; continue }
    if (o + n > out.length) {
      const bigger = new Uint8Array(Math.max(out.length * 2, o + n))
      bigger.set(out.subarray(0, o))
      out = bigger
    }
    out.set(SCRATCH.subarray(0, n), o)
    o += n
    ends[i] = o
  }
  parentPort.postMessage({ id, buf: out.buffer, ends }, [out.buffer, ends.buffer])
})
`

interface Reply {
  id: number
  buf: ArrayBuffer
  ends: Int32Array
}

/** Reads regular files on a separate thread, in request order; undefined for a file to read in the caller. */
export class FileReader {
  private readonly worker: Worker
  private readonly waiting = new Map<number, { paths: number; resolve: (files: Array<Buffer | undefined>) => void }>()
  private nextId = 0
  private failed: unknown

  private constructor() {
    // Loaded here, not at start-up: a single file never starts the thread.
    const { Worker } = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads')
    this.worker = new Worker(WORKER_SOURCE, { eval: true, stdout: false, stderr: false, resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 16 } })
    this.worker.unref()
    this.worker.on('message', (reply: Reply) => this.settle(reply))
    this.worker.on('error', (e) => this.fail(e))
    this.worker.on('exit', () => this.fail(new Error('file reader thread exited')))
  }

  static start(): FileReader {
    return new FileReader()
  }

  /** The files' contents; undefined for every file if the thread is gone (the caller then reads them all). */
  read(paths: string[]): Promise<Array<Buffer | undefined>> {
    if (this.failed || paths.length === 0) return Promise.resolve(paths.map(() => undefined))
    const id = this.nextId++
    return new Promise((resolve) => {
      this.waiting.set(id, { paths: paths.length, resolve })
      this.worker.postMessage({ id, paths })
    })
  }

  stop(): void {
    this.failed ??= new Error('stopped')
    void this.worker.terminate()
  }

  private settle({ id, buf, ends }: Reply): void {
    const w = this.waiting.get(id)
    if (!w) return
    this.waiting.delete(id)
    const files: Array<Buffer | undefined> = new Array(ends.length)
    let start = 0
    for (let i = 0; i < ends.length; i++) {
      const end = ends[i]!
      if (end < 0) files[i] = undefined
      else {
        files[i] = Buffer.from(buf, start, end - start)
        start = end
      }
    }
    w.resolve(files)
  }

  private fail(e: unknown): void {
    this.failed ??= e
    for (const [id, w] of this.waiting) {
      this.waiting.delete(id)
      w.resolve(new Array<Buffer | undefined>(w.paths).fill(undefined))
    }
  }
}
