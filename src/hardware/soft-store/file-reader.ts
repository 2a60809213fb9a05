import { createRequire } from 'node:module'
import type { Worker } from 'node:worker_threads'
import { wellFormedBase64 } from '../../cert/pem-layout.js'
import { nativeFiles } from '../../platform/native-files.js'

// The reader thread: plain open / read / close of regular files, the bytes packed
// into one buffer per request: a slot of the answer ring (ReaderOptions.ring) or a
// buffer of its own, transferred. No objects cross threads: the earlier
// attempt that decoded in workers doubled the peak RSS with the structured clones
// (bench/README.md). A file it cannot read in one read (an error, 256 KiB or more)
// comes back as -1: the caller reads it itself.
// The common file of a batch, one well-formed CERTIFICATE block (RFC 7468), comes
// back decoded: its SHA-256 (64 hex digits) and its DER, in place of its text. Base64
// and the digest were ~1.5 µs a file on the main thread, the limit of a batch on two
// cores (issue 16). The test is pem.ts's own (wellFormedBase64, run here from its
// source text) and the block must be the file's only one, so the main thread reads
// that DER exactly as it would have decoded it; anything else (another label, two
// blocks, odd line widths, damaged base64, DER) comes back as text.
// CommonJS source, evaluated: no file to resolve next to the bundle or in tests.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const claims = workerData.claims
// Nobody reads the digests (check-window --quiet, its table): the DER alone, its digest's place left blank.
const FINGERPRINTS = workerData.fingerprints !== false
const { openSync, readSync, closeSync, constants } = require('node:fs')
const { hash } = require('node:crypto')
// Non-blocking open: a name swapped for a FIFO since the directory listing must not stall the thread.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK || 0)
const SCRATCH = Buffer.allocUnsafe(256 * 1024)
const BEGIN = Buffer.from('-----BEGIN ')
const BEGIN_CERT = Buffer.from('-----BEGIN CERTIFICATE-----')
const END_CERT = Buffer.from('-----END CERTIFICATE-----')
const wellFormedBase64 = ${wellFormedBase64.toString()}
// libc's openat / pread / close through koffi where the platform has them (native-files.ts):
// the file opened by its name in its folder. Anything that fails here goes back to the
// caller as not read (-1), which reads it itself and reports it as it would any file.
let native
if (workerData.native) {
  try {
    // koffi's addon files, then koffi's own loader (platform/koffi.ts): the first that loads and is ukey's koffi.
    let koffi
    for (const file of workerData.native.koffi) {
      try {
        const k = require(file)
        if (k.version === workerData.native.koffiVersion && typeof k.load === 'function') { koffi = k; break }
      } catch {}
    }
    const libc = koffi.load(null)
    native = {
      // Declared without open's optional mode: never given O_CREAT, the mode is never read.
      openat: libc.func('int openat(int, const char *, int)'),
      // pread at 0, as node:fs reads: a FIFO fails (ESPIPE) instead of reading as an empty file.
      pread: libc.func('intptr_t pread(int, void *, size_t, int64_t)'),
      close: libc.func('int close(int)'),
      flags: OPEN_FLAGS | workerData.native.cloexec,
    }
  } catch { native = undefined }
}
// The folder of the files being read, open (native): consecutive files share it.
let folder = ''
let folderFd = -1
function closeFolder() {
  if (folderFd >= 0) try { closeSync(folderFd) } catch {}
  folder = ''
  folderFd = -1
}
// The file's bytes into SCRATCH: how many, or -1.
function readFile(path) {
  const slash = native ? path.lastIndexOf('/') : -1
  if (slash <= 0) {
    try {
      const fd = openSync(path, OPEN_FLAGS)
      try { return readSync(fd, SCRATCH, 0, SCRATCH.length, 0) } finally { closeSync(fd) }
    } catch { return -1 }
  }
  const dir = path.slice(0, slash)
  if (dir !== folder) {
    closeFolder()
    folder = dir
    try { folderFd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY) } catch { folderFd = -1 }
  }
  if (folderFd < 0) return -1
  const fd = native.openat(folderFd, path.slice(slash + 1), native.flags)
  if (fd < 0) return -1
  const n = native.pread(fd, SCRATCH, SCRATCH.length, 0)
  native.close(fd)
  return n < 0 ? -1 : n
}
// The next file of batch \`id\` for this thread, or -1 (SLOTS in file-reader.ts).
function take(id, slot, n) {
  for (;;) {
    const v = Atomics.load(claims, 2 * slot)
    if (v >>> 10 !== (id & 0x1fffff) || (v & 1023) >= n) return -1
    if (Atomics.compareExchange(claims, 2 * slot, v, v + 1) === v) return v & 1023
  }
}
function startsWith(file, at, octets) {
  if (at + octets.length > file.length) return false
  for (let k = 0; k < octets.length; k++) if (file[at + k] !== octets[k]) return false
  return true
}
// Where the base64 of the one CERTIFICATE block of SCRATCH[0, n) starts (it ends at
// bodyEnd), or -1; as pemBlocksFrom (pem.ts) finds it: the first BEGIN line, its END line,
// and no BEGIN line after that. Most files start with the BEGIN line: compared octet by
// octet, not searched for (two native calls a file).
let bodyEnd = 0
function onlyCertificateBody(n) {
  const file = SCRATCH.subarray(0, n)
  let begin = 0
  if (!startsWith(file, 0, BEGIN_CERT)) {
    begin = file.indexOf(BEGIN)
    if (begin <= 0 || !startsWith(file, begin, BEGIN_CERT)) return -1
  }
  const bodyStart = begin + BEGIN_CERT.length
  bodyEnd = file.indexOf(END_CERT, bodyStart)
  if (bodyEnd < 0) return -1
  const rest = bodyEnd + END_CERT.length
  if (rest + BEGIN.length <= n && file.indexOf(BEGIN, rest) >= 0) return -1
  return bodyStart
}
// The answer ring (ReaderOptions.ring): slots of one shared memory the caller reads in
// place and hands back (ringFree[k] 1 → 0) once the batch is done. A new transferred
// buffer per batch is ~400 KB that only a full garbage collection frees on the caller's
// side, and transferring detaches it here, which slows every typed-array access of
// this thread's optimised code (V8's ArrayBufferDetaching protector). Batches larger
// than a slot, or found with every slot taken, get their own buffer as before.
const ring = workerData.ring
const ringFree = ring && new Int32Array(ring.free)
function ringSlot(n) {
  if (!ring || n > ring.files) return -1
  for (let k = 0; k < ringFree.length; k++) if (Atomics.compareExchange(ringFree, k, 0, 1) === 0) return k
  return -1
}
parentPort.on('message', ({ id, slot, paths }) => {
  // Files are taken one at a time: the caller may take the rest.
  let i = take(id, slot, paths.length)
  if (i < 0) return
  let k = ringSlot(paths.length)
  let ends, decoded, out
  if (k >= 0) {
    const at = k * ring.slotBytes
    ends = new Int32Array(ring.memory, at, paths.length).fill(-1)
    decoded = new Uint8Array(ring.memory, at + 4 * ring.files, paths.length).fill(0)
    out = Buffer.from(ring.memory, at + ring.header, ring.slotBytes - ring.header)
  } else {
    ends = new Int32Array(paths.length).fill(-1)
    decoded = new Uint8Array(paths.length)
    // Not zero-filled (allocUnsafeSlow: its own ArrayBuffer, not the pool's, so it can be
    // transferred): a new ArrayBuffer is zeroed, 512 KiB a batch for nothing. Sized for the
    // common file (a decoded certificate: its digest and ~1 KB of DER), grown when needed.
    out = Buffer.allocUnsafeSlow(Math.max(64 * 1024, paths.length * 1536))
  }
  let o = 0
  for (; i >= 0; i = take(id, slot, paths.length)) {
    const n = readFile(paths[i])
    if (n < 0 || n >= SCRATCH.length) { ends[i] = -1; continue }
    // Room for the text itself: a block's digest and DER are never longer.
    if (o + n + 64 > out.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(out.length * 2, o + n + 64))
      out.copy(bigger, 0, 0, o)
      out = bigger
      // Out of its ring slot: the answer is transferred as a whole, its slot free again.
      if (k >= 0) {
        ends = Int32Array.from(ends)
        decoded = Uint8Array.from(decoded)
        Atomics.store(ringFree, k, 0)
        k = -1
      }
    }
    const bodyStart = n > 0 ? onlyCertificateBody(n) : -1
    if (bodyStart >= 0) {
      const text = SCRATCH.toString('latin1', bodyStart, bodyEnd)
      const len = out.write(text, o + 64, (text.length * 3) >>> 2, 'base64')
      if (wellFormedBase64(SCRATCH, bodyStart, bodyEnd, text, len)) {
        // Hex, written as text: a digest as a Buffer is a new ArrayBuffer each time (slower).
        if (FINGERPRINTS) out.write(hash('sha256', out.subarray(o + 64, o + 64 + len), 'hex'), o, 64, 'latin1')
        o += 64 + len
        ends[i] = o
        decoded[i] = 1
        continue
      }
    }
    SCRATCH.copy(out, o, 0, n)
    o += n
    ends[i] = o
  }
  closeFolder()
  Atomics.store(claims, 2 * slot + 1, id + 1)
  if (k >= 0) parentPort.postMessage({ id, ring: k, count: paths.length, libc: native !== undefined })
  else parentPort.postMessage({ id, buf: out.buffer, ends, decoded, libc: native !== undefined }, [out.buffer, ends.buffer, decoded.buffer])
})
`

/** A thread program's answer for one batch (src/app/window-worker.ts): finished output and per-file ends, -1 for a file left to the caller. */
export interface Offloaded {
  /** The batch it answers (whose thread gets `text` back: recycle). */
  id: number
  text: ArrayBuffer
  textLength: number
  states: ArrayBuffer
  /** Per file: [end in text, end in states], or [-1, -1]. */
  ends: Int32Array
}

interface Reply extends Partial<Offloaded> {
  id: number
  /** The plain reader: the files' bytes, and where each one ends (-1: not read). */
  buf?: ArrayBuffer
  /** The plain reader: 1 for a file sent as its SHA-256 (hex) and the DER of its one certificate block. */
  decoded?: Uint8Array
  /** The plain reader: it read through libc (native-files.ts), not node:fs. */
  libc?: boolean
  /** The plain reader: the answer is in this slot of the ring (ReaderOptions.ring), for `count` files. */
  ring?: number
  count?: number
}

/**
 * What the plain reader did with a batch, as it came (one buffer and per-file ends): a
 * file's view and digest are made when the batch is decoded, not when the answer
 * arrives. An answer waits behind up to READ_AHEAD_READER batches (read-certificates.ts);
 * ~500 objects made on arrival (a view and a digest per file) outlived a minor GC or two
 * and were promoted, ~300 KB at each one at 100,000 files (--trace-gc-nvp, issue 16).
 */
export class ReadFiles {
  readonly kind = 'read'
  constructor(
    /** The files' bytes; undefined once released. */
    private all: Buffer | undefined,
    /** Per file: where it starts in `all`, and where it ends (-1: not read). */
    private readonly starts: Int32Array,
    private readonly ends: Int32Array,
    private readonly decoded: Uint8Array | undefined,
    private readonly fingerprints: boolean,
    /** The answer's ring slot (ReaderOptions.ring), if it came in one. */
    readonly ringSlot?: number,
    /** Hands that slot back to the thread. */
    private readonly free?: () => void,
  ) {}

  /**
   * File `i`'s bytes (undefined: read it yourself), or, where sha256(i) is defined, the DER
   * of its one CERTIFICATE block: a view into the answer (no copy; a certificate's summary
   * keeps it as its `der`, which a ring slot overwrites once released: ReadOptions.reuse).
   */
  file(i: number): Buffer | undefined {
    const end = this.ends[i]
    if (end === undefined || end < 0 || !this.all) return undefined
    return this.all.subarray(this.decoded?.[i] === 1 ? this.starts[i]! + 64 : this.starts[i]!, end)
  }

  /** The SHA-256 of file `i`'s DER (lower-case hex; '' when not asked for), when the thread decoded it. */
  sha256(i: number): string | undefined {
    if (this.decoded?.[i] !== 1 || !this.all || this.ends[i]! < 0) return undefined
    return this.fingerprints ? this.all.toString('latin1', this.starts[i]!, this.starts[i]! + 64) : ''
  }

  /** Done with the answer: its ring slot goes back to the thread (nothing here is read after that). */
  release(): void {
    this.all = undefined
    this.free?.()
  }
}

/** What the thread did with a batch: ReadFiles, or a program's answer. */
export type BatchReply = ReadFiles | { kind: 'offloaded'; reply: Offloaded }

/** A program to run on the threads instead of the plain reader: it does whole files (read, decode, classify, render). */
export interface ThreadProgram {
  /** CommonJS source, evaluated. */
  source: string
  /** Given to every thread beside the claims. */
  settings: unknown
  threads: number
}

// A batch's claims, shared with the threads, two Int32 per slot: how many of its files
// have been taken, and whether the thread that took the first ones has finished them.
// A thread takes files one at a time, from the first (Atomics.add); the caller, rather
// than wait, takes all the files not yet taken (work stealing at file grain): of the
// batch at the head, whose output it needs next, or of the newest batch no thread has
// started. The thread stops at the next file and sends what it did; the caller reads
// the rest itself. On a loaded machine a thread preempted mid-batch holds up the caller
// for one file, not for the batch (bench/README.md, 2026-11-30 19:20).
// A slot's first Int32 is tagged with its batch (the low 21 bits of the id, above 10
// bits of count, claimTag): a thread that gets to a batch's message late, after the
// caller took the whole batch and the slot went to a later one, must not take that
// one's files (its answer would never come: a hang seen under load 5+ at 100k files).
// Claim slots, reused in turn: more than the batches ever in flight.
const SLOTS = 64

function claimTag(id: number): number {
  return (id & 0x1fffff) << 10
}

/** How the plain reader works. */
export interface ReaderOptions {
  /** false: it hashes nothing (ReadOptions.fingerprints). */
  fingerprints?: boolean
  /** false: node:fs only, never libc through koffi (native-files.ts), to compare the two. */
  native?: boolean
  /**
   * Answers in a ring of shared memory, read in place and handed back by recycle: for a
   * caller that reads no file's bytes once it is done with the batch (ReadOptions.reuse).
   */
  ring?: boolean
  /** The ring's slots (default RING_SLOTS; 1–64): fewer, for a test to see them used again. */
  ringSlots?: number
}

// The ring: slots of one SharedArrayBuffer, each the answer to a batch of up to RING_FILES
// files: their ends (Int32) and decoded flags, then their bytes (sized as the thread's own
// buffer). More slots than answers ever wait (the reading thread's read-ahead, 6 batches
// in read-certificates.ts, and the batch being done); a batch with no slot free gets a buffer.
const RING_FILES = 256
const RING_HEADER = 5 * RING_FILES
const RING_SLOT_BYTES = Math.ceil((RING_HEADER + RING_FILES * 1536) / 4096) * 4096
const RING_SLOTS = 10

interface Ring {
  memory: SharedArrayBuffer
  free: SharedArrayBuffer
  files: number
  header: number
  slotBytes: number
}

/** One batch handed to the threads. */
export interface ReadRequest {
  readonly id: number
  readonly slot: number
  readonly count: number
  readonly files: Promise<BatchReply>
}

/**
 * Reads regular files on separate threads (or runs a ThreadProgram over them), in
 * request order. Batches go to the threads in turn; each batch has a claim, so the
 * caller can take back one no thread has started.
 */
export class FileReader {
  private readonly workers: Worker[] = []
  private readonly waiting = new Map<number, { paths: number; resolve: (reply: BatchReply) => void }>()
  private nextId = 0
  private failed: unknown
  private readonly claims = new Int32Array(new SharedArrayBuffer(4 * 2 * SLOTS))

  private readonly fingerprints: boolean
  private readonly ring: Ring | undefined
  private readonly ringFree: Int32Array | undefined
  /** How the plain reader read its last batch: through libc's openat (native-files.ts) or node:fs; undefined before its first answer. */
  way: 'libc' | 'node:fs' | undefined

  private constructor(program: ThreadProgram | undefined, { fingerprints = true, native = true, ring = false, ringSlots = RING_SLOTS }: ReaderOptions = {}) {
    this.fingerprints = fingerprints
    if (ring && !program) {
      const slots = Math.max(1, Math.min(64, Math.floor(ringSlots) || RING_SLOTS))
      this.ring = { memory: new SharedArrayBuffer(slots * RING_SLOT_BYTES), free: new SharedArrayBuffer(4 * slots), files: RING_FILES, header: RING_HEADER, slotBytes: RING_SLOT_BYTES }
      this.ringFree = new Int32Array(this.ring.free)
    }
    const nativeWay = !program && native ? nativeFiles() : undefined
    // Loaded here, not at start-up: a single file never starts a thread.
    const { Worker } = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads')
    for (let i = 0; i < (program?.threads ?? 1); i++) {
      let worker: Worker
      try {
        worker = new Worker(program?.source ?? WORKER_SOURCE, {
          eval: true,
          workerData: { claims: this.claims, settings: program?.settings, fingerprints, native: nativeWay, ring: this.ring },
          stdout: false,
          stderr: false,
          resourceLimits: { maxYoungGenerationSizeMb: program ? 8 : 2, maxOldGenerationSizeMb: program ? 48 : 16 },
        })
      } catch (e) {
        // No thread (settings that cannot be cloned, no resources): the caller does every batch itself.
        this.failed ??= e
        break
      }
      // Held only while a batch is out (see ref()): idle threads never keep the process alive.
      worker.unref()
      worker.on('message', (reply: Reply) => this.settle(reply))
      worker.on('error', (e) => this.fail(e))
      worker.on('exit', () => this.fail(new Error('file reader thread exited')))
      this.workers.push(worker)
    }
  }

  /** The plain reader (one thread), or `program` on its threads. */
  static start(program?: ThreadProgram, options?: ReaderOptions): FileReader {
    return new FileReader(program, options)
  }

  /** The files' contents or certificates; undefined for every file if the thread is gone (the caller then reads them all). */
  read(paths: string[]): ReadRequest {
    const id = this.nextId++
    const slot = id % SLOTS
    const count = paths.length
    Atomics.store(this.claims, 2 * slot, claimTag(id))
    Atomics.store(this.claims, 2 * slot + 1, 0)
    if (this.failed || count === 0) return { id, slot, count, files: Promise.resolve(notRead(count)) }
    const files = new Promise<BatchReply>((resolve) => {
      this.waiting.set(id, { paths: paths.length, resolve })
      this.ref(true)
      this.workers[id % this.workers.length]!.postMessage({ id, slot, paths })
    })
    return { id, slot, count, files }
  }

  /** True when the thread has finished this batch (its answer is on the way). */
  done(req: ReadRequest): boolean {
    return Atomics.load(this.claims, 2 * req.slot + 1) === req.id + 1
  }

  /**
   * Takes every file of the batch no thread has taken yet; returns how many the thread
   * keeps (its answer covers those; the caller does the rest). 0: no answer will come.
   */
  takeRest(req: ReadRequest): number {
    const tag = claimTag(req.id)
    for (;;) {
      const v = Atomics.load(this.claims, 2 * req.slot)
      const taken = v - tag
      if (taken >= req.count) return req.count
      if (Atomics.compareExchange(this.claims, 2 * req.slot, v, tag + req.count) !== v) continue
      if (taken === 0) this.forget(req)
      return taken
    }
  }

  /** Takes the whole batch if no thread has started it: true when the caller now does it all. */
  takeAll(req: ReadRequest): boolean {
    const tag = claimTag(req.id)
    if (Atomics.compareExchange(this.claims, 2 * req.slot, tag, tag + req.count) !== tag) return false
    this.forget(req)
    return true
  }

  /** No answer will come for it. */
  private forget(req: ReadRequest): void {
    this.waiting.delete(req.id)
    if (this.waiting.size === 0) this.ref(false)
  }

  stop(): void {
    this.failed ??= new Error('stopped')
    for (const worker of this.workers) void worker.terminate()
  }

  /**
   * A batch out keeps the process alive until its answer comes: with every thread
   * unref'd, a caller awaiting an answer while nothing else was pending would see the
   * process end there, its output cut short with exit code 0.
   */
  private ref(on: boolean): void {
    for (const worker of this.workers) {
      if (on) worker.ref()
      else worker.unref()
    }
  }

  /**
   * Hands an answer's memory back to its thread for the next batches, once nothing will
   * read the views into it again: a program's buffer once everything in it is written
   * (transferred: the views are detached, empty), the plain reader's ring slot once its
   * certificates are done (ReadOptions.reuse: later batches overwrite it).
   */
  recycle(reply: Offloaded | ReadFiles): void {
    // The plain reader's answer: its ring slot, if it has one, is free again. Its own buffer
    // is left to the garbage collector: transferring it back would detach it here (V8's
    // ArrayBufferDetaching protector: every typed-array access of this thread's optimised
    // code then checks for detachment, the DER reader's among them: +50 ms at 100,000 files).
    if (reply instanceof ReadFiles) return reply.release()
    if (this.failed) return
    this.workers[reply.id % this.workers.length]!.postMessage({ recycle: reply.text }, [reply.text])
  }

  private settle({ id, buf, ends, text, textLength, states, decoded, libc, ring, count }: Reply): void {
    const w = this.waiting.get(id)
    // An answer in the ring: its ends, flags and bytes are views into the slot.
    let all: Buffer | undefined
    let free: (() => void) | undefined
    if (ring !== undefined && this.ring && count !== undefined) {
      const flags = this.ringFree!
      free = () => Atomics.store(flags, ring, 0)
      if (!w) return free()
      const at = ring * this.ring.slotBytes
      ends = new Int32Array(this.ring.memory, at, count)
      decoded = new Uint8Array(this.ring.memory, at + 4 * this.ring.files, count)
      all = Buffer.from(this.ring.memory, at + this.ring.header, this.ring.slotBytes - this.ring.header)
    }
    if (!w || !ends) return
    all ??= buf && Buffer.from(buf)
    if (all) this.way = libc ? 'libc' : 'node:fs'
    this.waiting.delete(id)
    if (this.waiting.size === 0) this.ref(false)
    if (text && states) {
      w.resolve({ kind: 'offloaded', reply: { id, text, textLength: textLength ?? 0, states, ends } })
      return
    }
    const starts = new Int32Array(ends.length)
    let start = 0
    for (let i = 0; i < ends.length; i++) {
      starts[i] = start
      if (ends[i]! >= 0) start = ends[i]!
    }
    w.resolve(new ReadFiles(all, starts, ends, decoded, this.fingerprints, free && ring, free))
  }

  private fail(e: unknown): void {
    this.failed ??= e
    for (const [id, w] of this.waiting) {
      this.waiting.delete(id)
      w.resolve(notRead(w.paths))
    }
  }
}

function notRead(n: number): BatchReply {
  return new ReadFiles(undefined, new Int32Array(n), new Int32Array(n).fill(-1), undefined, false)
}
