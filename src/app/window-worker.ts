// A batch thread's program for `check-window --output ndjson` and `--quiet` over many
// files (issue 16: both cores). scripts/build.mjs bundles this file into one CommonJS
// string (window-worker-source.ts); file-reader.ts starts it with `eval`.
//
// Why the thread renders and not only decodes: profiled at 100,000 files, decoding was
// a fifth of the main thread and rendering the records (certificateJson, the advice,
// the dates) two fifths, and a thread that sent back decoded fields (as JSON, then
// Dates rebuilt) cost more in the copies than the decoding it moved: 100k ndjson
// 3.27 → 4.52 s (bench/README.md, 2026-11-30). Here a batch crosses back as one
// transferred buffer of finished ndjson lines plus one byte per certificate (its
// window state, for the tally): the main thread walks, hands out batches and writes.
//
// The lines are made by the same functions the main thread uses (decodeCertificates,
// assessWindow, certificateJson, the same catalogue and key name), so they are the
// bytes the main thread would have written. A file that is not plainly certificates
// (unreadable, special, large, PKCS#12, empty, any damaged block) comes back as not
// done: the main thread reads it itself and its events and messages are those of the
// single-threaded path.
import { closeSync, constants, openSync, readSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'
import { decodeCertificates } from '../cert/decode.js'
import { WINDOW_STATES, assessWindow } from '../cert/window.js'
import { translator, useKeyName } from '../i18n/index.js'
import { certificateJson } from '../output/window-records.js'
import type { WindowBatchSettings } from './window-offload.js'

// Non-blocking open: a name swapped for a FIFO since the directory listing must not stall the thread.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK || 0)
const SCRATCH = Buffer.allocUnsafe(256 * 1024)
const STATE_INDEX = new Map<string, number>(WINDOW_STATES.map((s, i) => [s, i]))

const data = workerData as { claims: Int32Array; settings: WindowBatchSettings } | null
const settings = data?.settings
const claims = data?.claims
if (settings) useKeyName(settings.profile.keyName)
const t = settings && translator(settings.lang, { verbose: settings.verbose })
const at = settings && new Date(settings.at)
let lines: Buffer = Buffer.allocUnsafeSlow(256 * 1024)

/** One batch's answer: the ndjson lines, one state index per certificate, and per file [text end, states end] (-1: not done). */
interface Out {
  text: Buffer
  used: number
  states: Uint8Array
  nStates: number
}

function readWhole(path: string): Buffer | undefined {
  let n = -1
  try {
    const fd = openSync(path, OPEN_FLAGS)
    try {
      n = readSync(fd, SCRATCH, 0, SCRATCH.length, 0)
    } finally {
      closeSync(fd)
    }
  } catch {
    return undefined
  }
  return n > 0 && n < SCRATCH.length ? SCRATCH.subarray(0, n) : undefined
}

/** A line given as its UTF-8 octets (output/octets.ts: certificateJson's form). */
function write(out: Out, octets: string): void {
  if (out.used + octets.length > out.text.length) {
    const bigger = Buffer.allocUnsafe(Math.max(out.text.length * 2, out.used + octets.length))
    out.text.copy(bigger, 0, 0, out.used)
    out.text = bigger
  }
  out.used += out.text.write(octets, out.used, 'latin1')
}

/** One file: true when done here (its lines and states added), false when the main thread must do it. */
function doFile(path: string, out: Out): boolean {
  const buf = readWhole(path)
  if (!buf) return false
  let decoded
  try {
    decoded = decodeCertificates(buf, path)
  } catch {
    return false
  }
  if (decoded === 'pkcs12' || decoded.problems.length) return false
  const { profile, tz } = settings!
  const { certificates, format } = decoded
  if (out.nStates + certificates.length > out.states.length) {
    const bigger = new Uint8Array(Math.max(out.states.length * 2, out.nStates + certificates.length))
    bigger.set(out.states.subarray(0, out.nStates))
    out.states = bigger
  }
  for (let i = 0; i < certificates.length; i++) {
    const cert = certificates[i]!
    const window = assessWindow(cert, at!, profile.window)
    out.states[out.nStates++] = STATE_INDEX.get(window.state)!
    if (settings!.render) write(out, certificateJson({ type: 'certificate', source: path, index: i + 1, format, cert, window }, t!, profile, tz) + '\n')
  }
  return true
}

// Answer buffers the main thread has written out and handed back: reused, so a long run
// allocates none (each new transferred buffer is external memory the main thread's GC
// frees late: 1,000,000 files reached 182 MB peak RSS with a fresh buffer per batch).
const spare: ArrayBuffer[] = []

function answerBuffer(size: number): ArrayBuffer {
  const i = spare.findIndex((b) => b.byteLength >= size)
  return i >= 0 ? spare.splice(i, 1)[0]! : new ArrayBuffer(Math.max(size, 256 * 1024))
}

/** The next file of batch `id` for this thread, or -1 (the tagged claims of file-reader.ts, SLOTS). */
function take(id: number, slot: number, n: number): number {
  for (;;) {
    const v = Atomics.load(claims!, 2 * slot)
    if (v >>> 10 !== (id & 0x1fffff) || (v & 1023) >= n) return -1
    if (Atomics.compareExchange(claims!, 2 * slot, v, v + 1) === v) return v & 1023
  }
}

parentPort?.on('message', ({ id, slot, paths, recycle }: { id: number; slot: number; paths: string[]; recycle?: ArrayBuffer }) => {
  if (recycle) {
    spare.push(recycle)
    return
  }
  // Files are taken one at a time: the main thread may take the rest of the batch (file-reader.ts, SLOTS).
  if (!claims || !settings) return
  let i = take(id, slot, paths.length)
  if (i < 0) return
  // The lines go into one buffer kept across batches (grown when needed): only the copy sent is new.
  const out: Out = { text: lines, used: 0, states: new Uint8Array(paths.length), nStates: 0 }
  const ends = new Int32Array(paths.length * 2).fill(-1)
  for (; i >= 0; i = take(id, slot, paths.length)) {
    if (!doFile(paths[i]!, out)) continue
    ends[2 * i] = out.used
    ends[2 * i + 1] = out.nStates
  }
  Atomics.store(claims, 2 * slot + 1, id + 1)
  lines = out.text
  const text = answerBuffer(out.used)
  new Uint8Array(text).set(out.text.subarray(0, out.used))
  const states = out.states.slice(0, out.nStates)
  parentPort!.postMessage({ id, text, textLength: out.used, states: states.buffer, ends }, [text, states.buffer, ends.buffer])
})
