import { createRequire } from 'node:module'
import type { Worker } from 'node:worker_threads'
import type { Decoded } from '../../cert/decode.js'
import type { CertSummary } from '../../cert/summary.js'
import type { DecodedFile } from './decode-worker.js'

// decode-worker.ts bundled as one CommonJS script, put here by scripts/build.mjs.
// Absent when running from source (the tests of src/): the thread then only reads.
declare const UKEY_DECODE_WORKER: string | undefined

// The reader thread: plain open / read / close of regular files, the bytes
// packed into one transferred buffer per request. No decoding and no objects
// cross threads: the earlier attempt that decoded in workers doubled the peak
// RSS with the structured clones (bench/README.md). A file it cannot read in one
// read (an error, 256 KiB or more) comes back as -1: the caller reads it itself.
// CommonJS source, evaluated: no file to resolve next to the bundle or in tests.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const claims = workerData.claims
const { openSync, readSync, closeSync, constants } = require('node:fs')
// Non-blocking open: a name swapped for a FIFO since the directory listing must not stall the thread.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK || 0)
const SCRATCH = Buffer.allocUnsafe(256 * 1024)
parentPort.on('message', ({ id, slot, paths }) => {
  // The main thread may have taken this batch itself meanwhile (work stealing).
  if (Atomics.compareExchange(claims, slot, 0, 1) !== 0) return
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
  Atomics.store(claims, slot, 3)
  parentPort.postMessage({ id, buf: out.buffer, ends }, [out.buffer, ends.buffer])
})
`

interface Reply {
  id: number
  buf: ArrayBuffer
  /** The plain reader: where each file's bytes end (-1: not read). */
  ends?: Int32Array
  /** The decoding reader: each file's certificates (null: not decoded), as JSON. */
  meta?: string
}

/** What the thread did with one file: its bytes, its certificates, or nothing (the caller reads it). */
export type ReadAhead = Buffer | Decoded | undefined

// A batch's claim, shared with the thread: whoever moves it from POSTED first does the batch.
// The thread takes batches oldest first; the caller, rather than wait, takes the newest
// one the thread has not started (work stealing: both cores busy whichever is slower).
export const CLAIM = { POSTED: 0, THREAD: 1, CALLER: 2, DONE: 3 } as const
// Claim slots, reused in turn: more than the batches ever in flight.
const SLOTS = 64

/** One batch handed to the thread. */
export interface ReadRequest {
  readonly slot: number
  readonly files: Promise<ReadAhead[]>
}

/**
 * The decoding program, only with UKEY_READ_THREAD=decode (and a build that has it).
 * Not the default: on this 2-core VM under load it cost 0.3–0.5 s more CPU and
 * +30 MB peak RSS at 100,000 files for no steady gain in wall time (bench/README.md,
 * 2026-11-30); bench/run.sh measures both so a quieter machine can decide.
 */
function decodingSource(): string | undefined {
  return typeof UKEY_DECODE_WORKER === 'string' && process.env['UKEY_READ_THREAD'] === 'decode' ? UKEY_DECODE_WORKER : undefined
}

/** Reads (and, when built in, decodes) regular files on a separate thread, in request order; undefined for a file to read in the caller. */
export class FileReader {
  private readonly worker: Worker
  private readonly waiting = new Map<number, { paths: number; resolve: (files: ReadAhead[]) => void }>()
  private nextId = 0
  private failed: unknown
  private readonly claims = new Int32Array(new SharedArrayBuffer(4 * SLOTS))

  private constructor() {
    // Loaded here, not at start-up: a single file never starts the thread.
    const { Worker } = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads')
    const decoding = decodingSource()
    this.worker = new Worker(decoding ?? WORKER_SOURCE, {
      eval: true,
      workerData: { claims: this.claims },
      stdout: false,
      stderr: false,
      resourceLimits: { maxYoungGenerationSizeMb: decoding ? 16 : 2, maxOldGenerationSizeMb: decoding ? 64 : 16 },
    })
    this.worker.unref()
    this.worker.on('message', (reply: Reply) => this.settle(reply))
    this.worker.on('error', (e) => this.fail(e))
    this.worker.on('exit', () => this.fail(new Error('file reader thread exited')))
  }

  static start(): FileReader {
    return new FileReader()
  }

  /** The files' contents or certificates; undefined for every file if the thread is gone (the caller then reads them all). */
  read(paths: string[]): ReadRequest {
    const id = this.nextId++
    const slot = id % SLOTS
    Atomics.store(this.claims, slot, CLAIM.POSTED)
    if (this.failed || paths.length === 0) return { slot, files: Promise.resolve(paths.map(() => undefined)) }
    const files = new Promise<ReadAhead[]>((resolve) => {
      this.waiting.set(id, { paths: paths.length, resolve })
      this.worker.postMessage({ id, slot, paths })
    })
    return { slot, files }
  }

  /** True when the thread has finished this batch (its answer is on the way). */
  done(req: ReadRequest): boolean {
    return Atomics.load(this.claims, req.slot) === CLAIM.DONE
  }

  /** Takes a batch the thread has not started: true when the caller now does it itself (its `files` never settle). */
  steal(req: ReadRequest): boolean {
    return Atomics.compareExchange(this.claims, req.slot, CLAIM.POSTED, CLAIM.CALLER) === CLAIM.POSTED
  }

  stop(): void {
    this.failed ??= new Error('stopped')
    void this.worker.terminate()
  }

  private settle({ id, buf, ends, meta }: Reply): void {
    const w = this.waiting.get(id)
    if (!w) return
    this.waiting.delete(id)
    if (meta !== undefined) {
      w.resolve(decodedFiles(buf, meta))
      return
    }
    if (!ends) return
    const files: ReadAhead[] = new Array(ends.length)
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
      w.resolve(new Array<ReadAhead>(w.paths).fill(undefined))
    }
  }
}

/** The decoding thread's answer as decodeCertificates gives it; DER as views into the one transferred buffer. */
function decodedFiles(buf: ArrayBuffer, meta: string): ReadAhead[] {
  const bytes = new Uint8Array(buf)
  let start = 0
  return (JSON.parse(meta) as DecodedFile[]).map((file) => {
    if (!file) return undefined
    const certificates: CertSummary[] = file[1].map(([serial, subjectCN, issuerCN, nb, na, keyAlgorithm, end]) => {
      const der = bytes.subarray(start, end)
      start = end
      return { serial, subjectCN, issuerCN, notBefore: new Date(nb), notAfter: new Date(na), keyAlgorithm, der }
    })
    return { format: file[0] as Decoded['format'], certificates, problems: [] }
  })
}
