// The reader thread's program when the build embeds it (scripts/build.mjs bundles
// this file into UKEY_DECODE_WORKER): it opens, reads AND decodes the regular files
// of a batch, so that on two cores the main thread only classifies and renders
// (bench/README.md: decoding was a fifth of the main thread's time at 100,000 files).
// Only what crosses cheaply crosses: the certificates' DER in one transferred
// buffer and their few fields as one JSON string (structured clones of objects
// doubled the peak RSS in an earlier attempt). A file that is not plainly
// certificates (unreadable, special, large, PKCS#12, any problem) comes back as
// null: the main thread reads and decodes it itself, so its events and messages
// are exactly those of the single-threaded path.
import { closeSync, constants, openSync, readSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'
import { decodeCertificates } from '../../cert/decode.js'

// Non-blocking open: a name swapped for a FIFO since the directory listing must not stall the thread.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK || 0)
const SCRATCH = Buffer.allocUnsafe(256 * 1024)

/** One file: its format and, per certificate, [serial, subjectCN, issuerCN, notBefore ms, notAfter ms, keyAlgorithm, DER end]. */
export type DecodedFile = [format: string, certs: Array<[string, string | null, string | null, number, number, string, number]>] | null

function decodeOne(path: string, out: { buf: Uint8Array; o: number }): DecodedFile {
  let n = -1
  try {
    const fd = openSync(path, OPEN_FLAGS)
    try {
      n = readSync(fd, SCRATCH, 0, SCRATCH.length, 0)
    } finally {
      closeSync(fd)
    }
  } catch {
    return null
  }
  if (n <= 0 || n >= SCRATCH.length) return null
  let decoded
  try {
    decoded = decodeCertificates(SCRATCH.subarray(0, n), path)
  } catch {
    return null
  }
  if (decoded === 'pkcs12' || decoded.problems.length) return null
  const certs: NonNullable<DecodedFile>[1] = []
  for (const c of decoded.certificates) {
    if (out.o + c.der.length > out.buf.length) {
      const bigger = new Uint8Array(Math.max(out.buf.length * 2, out.o + c.der.length))
      bigger.set(out.buf.subarray(0, out.o))
      out.buf = bigger
    }
    out.buf.set(c.der, out.o)
    out.o += c.der.length
    certs.push([c.serial, c.subjectCN, c.issuerCN, c.notBefore.getTime(), c.notAfter.getTime(), c.keyAlgorithm, out.o])
  }
  return [decoded.format, certs]
}

// The claims shared with the caller (file-reader.ts CLAIM: 0 posted, 1 thread, 3 done).
const claims = (workerData as { claims: Int32Array } | null)?.claims

parentPort?.on('message', ({ id, slot, paths }: { id: number; slot: number; paths: string[] }) => {
  // The main thread may have taken this batch itself meanwhile (work stealing).
  if (!claims || Atomics.compareExchange(claims, slot, 0, 1) !== 0) return
  const out = { buf: new Uint8Array(Math.max(64 * 1024, paths.length * 1536)), o: 0 }
  const files = paths.map((p) => decodeOne(p, out))
  Atomics.store(claims, slot, 3)
  parentPort!.postMessage({ id, buf: out.buf.buffer, meta: JSON.stringify(files) }, [out.buf.buffer])
})
