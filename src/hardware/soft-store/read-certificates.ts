import { decodeCertificates, derProblem, type Decoded } from '../../cert/decode.js'
import { openPkcs12 } from '../../cert/pkcs12.js'
import { readCertSummary, type CertSummary } from '../../cert/summary.js'
import { UkeyError } from '../../errors.js'
import type { BatchItem, CertificateEvent, OffloadedRun } from '../../cert/events.js'
import { InputWalk, readSource, readSourceFile, readStdin, type Source, type SourceEvent } from './sources.js'
import { FileReader, type BatchReply, type ReadRequest, type ThreadProgram } from './file-reader.js'

/**
 * Asked for a PKCS#12 password. `attempt` counts from 1; return undefined when no
 * (further) password can be had: the file is then reported, not fatal.
 */
export type PasswordProvider = (source: string, attempt: number) => Promise<string | undefined>


export interface ReadOptions {
  inputs: string[]
  recursive: boolean
  password?: PasswordProvider
  // The caller's standard input (for `-`): never process.stdin by default below the commands.
  stdin: NodeJS.ReadableStream
  /**
   * A program to do whole files on the threads (check-window's ndjson and --quiet),
   * asked for only when the threads start (loading it costs a few ms): those files come
   * back as OffloadedRun items instead of certificate events. Undefined: the plain reader.
   */
  offload?: () => Promise<ThreadProgram | undefined>
  /**
   * The bench's and the tests' switches, read by the command from its environment
   * (UKEY_READ_THREAD=off, UKEY_BATCH_FROM): no thread at all; the batch the
   * program's threads start at (default PROGRAM_FROM_BATCH). `wait` (tests only): never
   * take work back from the threads, so every batch past the first ones is theirs.
   * `ringSlots` (UKEY_RING_SLOTS, tests): the reading thread's ring has that many slots, so
   * a test sees them used again (ReaderOptions.ring).
   */
  threads?: { off?: boolean; programFrom?: number; wait?: boolean; ringSlots?: number }
  /**
   * Whether anyone will read the certificates' SHA-256 (JSON, NDJSON, show-cert).
   * False (check-window's --quiet and table): the reading thread does not hash what
   * it decodes, ~1.5 µs a file on the thread that is the limit of a --quiet run.
   * A summary without its digest computes it when asked (cert/identity.ts).
   */
  fingerprints?: boolean
  /**
   * True when the caller reads no certificate's `der` once it has asked for the next batch
   * (check-window and show-cert: each certificate is rendered as it comes; check-window's
   * table keeps a few rows' other fields). The reading thread then answers in a ring of
   * shared memory (FileReader's ReaderOptions.ring), whose slots later batches overwrite;
   * otherwise each answer is a buffer of its own that waits for a full garbage collection,
   * and those came seldom enough once few objects were promoted that 1,000,000 files
   * peaked at 134–144 MB of RSS instead of ~110 (issue 16).
   */
  reuse?: boolean
}

// Events are handed over in batches: per-event async iteration costs more than
// decoding a certificate (bench/check-window). A batch is a few hundred files,
// so memory stays bounded and a spinner still turns between batches.
const BATCH_FILES = 256
// Batches handed to the threads ahead of the one being decoded, per program thread.
const READ_AHEAD = 3
// The same for the reading thread. It is faster per file than this thread (it reads and
// decodes, this one also renders), but a pause (the thread preempted, its start) lets this
// thread catch up and take files back, at this thread's cost: each one is read, decoded
// and hashed here. Six batches ahead instead of three took back about half as many files
// at 100,000 (2.8–4.6k against 5.4–6.9k, of which ~2k while the thread starts, either way)
// and cost the main thread 20–45 ms less CPU (medians of 8–10 interleaved runs, 2 cores,
// load 1.5–2, issue 16); peak RSS at 1,000,000 files 117 → 119 MB.
const READ_AHEAD_READER = 6
// Batches read here before the thread starts: its start (~30 ms) is repaid only from
// about 2,500 files (bench/run.sh crossover, 2026-11-30: 300 files 135 vs 104 ms,
// 1,200 228 vs 216, 2,500 298 vs 300, 5,000 391 vs 390 ms with / without it).
const THREAD_FROM_BATCH = 8
// Batches before the batch threads of an `offload` program take over from the reading
// thread (about 10,000 files): a program thread boots Node, compiles and warms up the
// program, and is repaid only on large runs (bench/run.sh crossover, 2026-11-30 19:38,
// ndjson, load 2–2.6, threads from the ninth batch / reading thread / none: 2,500 files
// 216 / 197 / 182 ms, 5,000 319 / 286 / 268, 10,000 456 / 405 / 460; at 100,000 files
// 1,454 against 1,672 ms for the reading thread). ReadOptions.threads.programFrom sets it (tests, bench).
const PROGRAM_FROM_BATCH = 40

/**
 * Every certificate in the inputs, in order, in batches: a bad input becomes an
 * error event and the rest go on (the batch contract). Nothing is held beyond
 * the current batch and the few read ahead.
 *
 * The first batches (THREAD_FROM_BATCH) are read here: a single file or a small
 * batch never pays for a thread. From then on, a reader thread (file-reader.ts) reads
 * the regular files of the next batches while this one is handed on: on two cores the
 * system calls overlap the decoding and rendering. With `offload` (check-window's
 * ndjson and --quiet), threads running that program do whole files instead (read,
 * decode, classify, render) and this thread walks, hands out and writes. When the
 * threads are behind, this thread takes the newest batch they have not started
 * instead of waiting (work stealing); memory stays a few batches per thread (READ_AHEAD).
 * Anything a thread cannot handle plainly (an error, a large or special file, a
 * bad or PKCS#12 file) is read and decoded here as before, so its outcome and
 * message are the same.
 */
export function readCertificates(opts: ReadOptions & { offload?: undefined }): AsyncGenerator<CertificateEvent[]> {
  // Without a program no OffloadedRun is ever made.
  return readBatches(opts) as AsyncGenerator<CertificateEvent[]>
}

/** As readCertificates, with the files a ThreadProgram did as OffloadedRun items, in their places. */
export function readOffloaded(opts: ReadOptions): AsyncGenerator<BatchItem[]> {
  return readBatches(opts)
}

async function* readBatches(opts: ReadOptions): AsyncGenerator<BatchItem[]> {
  const items = new InputWalk(opts.inputs, opts.recursive)
  // The reading thread, then (with `offload`, from PROGRAM_FROM_BATCH) the program's threads.
  let reader: FileReader | undefined
  let programReader: FileReader | undefined
  // Batches in input order: each handed to the thread, or done here (`own`: the first one, or one taken back).
  const ahead: Ahead[] = []
  let made = 0
  // UKEY_READ_THREAD=off: no thread at all (bench/run.sh's crossover part measures where the threads start to pay).
  const threaded = !opts.threads?.off
  const programFrom = opts.threads?.programFrom || PROGRAM_FROM_BATCH
  let program: ThreadProgram | undefined
  const wantProgram = threaded && opts.offload !== undefined
  let asked = false
  const fill = (): void => {
    while (ahead.length < (made < THREAD_FROM_BATCH ? 1 : programReader ? READ_AHEAD * program!.threads : READ_AHEAD_READER)) {
      // The program's threads start with the program: it is loaded (awaited) first.
      if (made === programFrom && wantProgram && !asked) break
      const chunk = items.take(BATCH_FILES)
      if (!chunk.length) break
      if (made < THREAD_FROM_BATCH || !threaded) ahead.push({ chunk, own: readHere(chunk, undefined) })
      else if (program && made >= programFrom) {
        programReader ??= FileReader.start(program)
        ahead.push({ chunk, reader: programReader, req: programReader.read(regularPaths(chunk)) })
      } else {
        reader ??= FileReader.start(undefined, { fingerprints: opts.fingerprints !== false, ring: opts.reuse === true, ringSlots: opts.threads?.ringSlots })
        ahead.push({ chunk, reader, req: reader.read(regularPaths(chunk)) })
      }
      made++
    }
  }
  try {
    for (;;) {
      if (wantProgram && !asked && made >= programFrom) {
        asked = true
        program = await opts.offload!()
      }
      fill()
      const next = ahead.shift()
      if (!next) break
      // Rather than wait for a thread, take the files of this batch it has not taken, or
      // else do the newest batch no thread has started, and look again.
      let tail: Part[] = []
      let head = next.chunk
      const owner = next.reader
      while (next.req && !next.own && owner && !opts.threads?.wait && !owner.done(next.req)) {
        const kept = owner.takeRest(next.req)
        if (kept === 0) next.own = readHere(next.chunk, undefined)
        else if (kept < next.req.count) {
          const cut = regularCut(next.chunk, kept)
          head = next.chunk.slice(0, cut)
          tail = readHere(next.chunk.slice(cut), undefined)
        }
        if (kept < next.req.count) break
        const spare = ahead.findLast((a) => a.req && !a.own)
        if (!spare || !spare.reader!.takeAll(spare.req!)) break
        spare.own = readHere(spare.chunk, undefined)
        fill()
      }
      const reply = next.own ? undefined : await next.req!.files
      const parts = next.own ?? (tail.length ? [...readHere(head, reply), ...tail] : readHere(head, reply))
      yield await finish(parts, opts)
      // The consumer has written the batch out: the thread may reuse its answer's buffer.
      if (reply?.kind === 'offloaded') owner!.recycle(reply.reply)
      else if (reply?.kind === 'read' && opts.reuse) owner!.recycle(reply)
      // A macrotask turn between batches: without it timers (the spinner) never run mid-batch.
      if (ahead.length || next.chunk.length === BATCH_FILES) await new Promise((resolve) => setImmediate(resolve))
    }
  } finally {
    reader?.stop()
    programReader?.stop()
  }
}

interface Ahead {
  chunk: SourceEvent[]
  /** The threads it was handed to, with `req`. */
  reader?: FileReader
  req?: ReadRequest
  own?: Part[]
}

/** One input's events so far, and what is left to await (stdin, a pipe, a PKCS#12 password): awaited in input order. */
interface Part {
  source?: Source
  events: BatchItem[]
  pending?: Pending
}

/**
 * The synchronous part of a batch: the thread's results where it has them, the
 * rest read and decoded here. Nothing here waits or prompts, so a batch taken
 * from the thread out of order changes no order anyone sees.
 */
function readHere(chunk: SourceEvent[], reply: BatchReply | undefined): Part[] {
  const parts: Part[] = []
  const done = reply?.kind === 'offloaded' ? reply.reply : undefined
  const doneText = done && new Uint8Array(done.text, 0, done.textLength)
  const doneStates = done && new Uint8Array(done.states)
  const read = reply?.kind === 'read' ? reply : undefined
  // Where the last file done by the program ended: consecutive ones become one run.
  let textAt = 0
  let statesAt = 0
  let run: OffloadedRun | undefined
  // The events of consecutive files that need nothing awaited, in one part: not a part
  // and an array per file, copied again into the batch (issue 16: bookkeeping per file).
  let events: BatchItem[] | undefined
  let r = 0
  for (const item of chunk) {
    if (!item.ok) {
      events ??= openPart(parts)
      events.push({ type: 'error', source: item.path, error: item.error })
      run = undefined
      continue
    }
    const regular = isRegular(item.source)
    if (done && regular && done.ends[2 * r]! >= 0) {
      const textEnd = done.ends[2 * r]!
      const statesEnd = done.ends[2 * r++ + 1]!
      if (run) {
        run.text = doneText!.subarray(run.text.byteOffset, textEnd)
        run.states = doneStates!.subarray(run.states.byteOffset, statesEnd)
        run.files++
      } else {
        run = { type: 'offloaded', files: 1, text: doneText!.subarray(textAt, textEnd), states: doneStates!.subarray(statesAt, statesEnd) }
        events ??= openPart(parts)
        events.push(run)
      }
      textAt = textEnd
      statesAt = statesEnd
      continue
    }
    run = undefined
    const got = read && regular ? read.file(r) : undefined
    const sha256 = got ? read!.sha256(r) : undefined
    if (regular) r++
    events ??= openPart(parts)
    if (sha256 !== undefined) {
      pushThreadDecoded(got!, sha256, item.source.path, events)
      continue
    }
    const pending = got ? decodeSafely(got, item.source.path, events) : readOneSync(item.source, events)
    if (pending) {
      // Awaited in its place (finish): what comes after it goes into a new part.
      parts.push({ source: item.source, events: [], pending })
      events = undefined
    }
  }
  return parts
}

function openPart(parts: Part[]): BatchItem[] {
  const events: BatchItem[] = []
  parts.push({ events })
  return events
}

async function finish(parts: Part[], opts: ReadOptions): Promise<BatchItem[]> {
  // Nothing to await, the common batch: its one array of events as it is.
  if (parts.length === 1 && !parts[0]!.pending) return parts[0]!.events
  const batch: BatchItem[] = []
  for (const part of parts) {
    for (const ev of part.events) batch.push(ev)
    if (part.pending) await readOneAsync(part.source!, part.pending, opts, batch)
  }
  return batch
}

/** Where the chunk's regular file number `n` (from 0) stands: what comes before it is the thread's. */
function regularCut(chunk: SourceEvent[], n: number): number {
  let seen = 0
  for (let i = 0; i < chunk.length; i++) {
    const item = chunk[i]!
    if (item.ok && isRegular(item.source) && seen++ === n) return i
  }
  return chunk.length
}

function isRegular(source: Source): boolean {
  return source.kind === 'file' && source.regular === true
}

function regularPaths(chunk: SourceEvent[]): string[] {
  const paths: string[] = []
  for (const item of chunk) if (item.ok && isRegular(item.source)) paths.push(item.source.path)
  return paths
}

function decodeSafely(buf: Buffer, name: string, out: BatchItem[]): Pending | undefined {
  try {
    return decodeInto(buf, name, out)
  } catch (e) {
    out.push({ type: 'error', source: name, error: e instanceof UkeyError ? e : derProblem(e, name) })
    return undefined
  }
}

/**
 * A file the reading thread found to be one well-formed CERTIFICATE block and decoded
 * (file-reader.ts): what decodeCertificates gives for it (decode.ts, one block), with
 * the thread's digest (when it made one) kept for the JSON fingerprint.
 */
function pushThreadDecoded(der: Buffer, sha256: string, name: string, out: BatchItem[]): void {
  let cert: CertSummary
  try {
    // '' : decoded without its digest (ReadOptions.fingerprints false), computed if ever asked for.
    cert = readCertSummary(der, 0, der.length, true, sha256 || undefined)
  } catch (e) {
    out.push({ type: 'error', source: name, error: derProblem(e, name) })
    return
  }
  out.push({ type: 'certificate', source: name, index: 1, format: 'pem', cert })
}

// A pipe or a device (a FIFO, `<(cat a.pem)`, /dev/stdin) is read asynchronously, bounded in size and time.
type Pending = { kind: 'stdin' } | { kind: 'pipe'; read: Promise<Buffer> } | { kind: 'pkcs12'; buf: Buffer }

/** Reads and decodes a file in place; returns what needs awaiting (stdin, a PKCS#12 password). */
function readOneSync(source: Source, out: BatchItem[]): Pending | undefined {
  if (source.kind === 'stdin') return { kind: 'stdin' }
  try {
    const read = readSource(source.path, source.regular)
    return Buffer.isBuffer(read) ? decodeInto(read, source.path, out) : { kind: 'pipe', read }
  } catch (e) {
    out.push({ type: 'error', source: source.path, error: e instanceof UkeyError ? e : derProblem(e, source.path) })
    return undefined
  }
}

function decodeInto(buf: Buffer, name: string, out: BatchItem[]): Pending | undefined {
  const decoded = decodeCertificates(buf, name)
  if (decoded === 'pkcs12') return { kind: 'pkcs12', buf }
  pushDecoded(decoded, name, out)
  return undefined
}

/** A file's events, whichever thread decoded it. */
function pushDecoded(decoded: Decoded, name: string, out: BatchItem[]): void {
  const { certificates, format } = decoded
  for (let i = 0; i < certificates.length; i++) out.push({ type: 'certificate', source: name, index: i + 1, format, cert: certificates[i]! })
  for (const error of decoded.problems) out.push({ type: 'error', source: name, error })
}

async function readOneAsync(source: Source, pending: Pending, opts: ReadOptions, out: BatchItem[]): Promise<void> {
  const name = source.path
  try {
    let buf: Buffer
    if (pending.kind === 'stdin' || pending.kind === 'pipe') {
      buf = pending.kind === 'pipe' ? await pending.read : await readStdin(opts.stdin)
      const more = decodeInto(buf, name, out)
      if (!more) return
      buf = more.kind === 'pkcs12' ? more.buf : buf
    } else buf = pending.buf
    const certs = await readPkcs12(buf, name, opts.password)
    certs.forEach((cert, i) => out.push({ type: 'certificate', source: name, index: i + 1, format: 'pkcs12', cert }))
  } catch (e) {
    out.push({ type: 'error', source: name, error: e instanceof UkeyError ? e : derProblem(e, name) })
  }
}

async function readPkcs12(buf: Buffer, source: string, provider?: PasswordProvider): Promise<CertSummary[]> {
  // Many exported PFX files have an empty password: try it before asking anyone.
  let result = openPkcs12(buf, '', source)
  let attempt = 0
  while (!result.ok) {
    const password = provider ? await provider(source, ++attempt) : undefined
    if (password === undefined) {
      throw new UkeyError(attempt > 1 ? 'PKCS12_PASSWORD_WRONG' : 'PKCS12_PASSWORD_REQUIRED', {
        params: { source },
        actions: ['action.passwordOptions'],
      })
    }
    result = openPkcs12(buf, password, source)
  }
  return result.certificates.map((der) => {
    try {
      return readCertSummary(der)
    } catch (e) {
      throw derProblem(e, source)
    }
  })
}

/**
 * The DER of every certificate in one file (PEM, DER, PKCS#7), read whole: a
 * profile's bank CA and TLS CA files. A PKCS#12 bundle is not a certificate file
 * here (it would need a password, and holds a key).
 */
export function readCertificateFile(path: string): Buffer[] {
  const decoded = decodeCertificates(readSourceFile(path), path)
  if (decoded === 'pkcs12') throw new UkeyError('NOT_A_CERTIFICATE', { params: { source: path } })
  return decoded.certificates.map((c) => Buffer.from(c.der))
}
