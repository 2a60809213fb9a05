import { closeSync, constants, fstatSync, openSync, read, readSync } from 'node:fs'

// The one reader policy for every file a person names to ukey: certificate
// inputs (check-window, show-cert, diagnose's soft stores and bank CA files)
// and bank profiles. Two promises hold for all of them:
// - bounded in size: a certificate bundle is kilobytes to a few megabytes; a
//   device like /dev/zero would otherwise grow the process without end;
// - never blocked: a FIFO with no writer, a terminal nobody types into or a
//   device that never answers ends in an error naming the file, not a hang.
// Pipes are read, not refused: `ukey check-window <(cat a.pem)` and /dev/stdin
// are how shells hand over data.

/** Inputs over this are refused: 10,000 PEM certificates are ~13 MB; 64 MiB is a mistake, not a bundle. */
export const INPUT_MAX_BYTES = 64 * 1024 * 1024
/** A bank profile is a few kilobytes of JSON. */
export const PROFILE_MAX_BYTES = 1024 * 1024
/** How long a pipe or device may stay silent (before its first byte or between two) before it is given up. */
export function idleTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  // UKEY_INPUT_TIMEOUT (seconds): for a slow producer behind a pipe (a download, a remote cat).
  const s = Number(env['UKEY_INPUT_TIMEOUT'])
  return Number.isFinite(s) && s > 0 ? s * 1000 : 10_000
}

/** Why a file was not read; errno failures (ENOENT, EACCES, EISDIR…) are thrown as they are. */
export type Refusal =
  | { reason: 'not-regular' }
  | { reason: 'socket' }
  | { reason: 'too-large'; size: number; limit: number }
  | { reason: 'timeout'; seconds: number }

export class ReadRefused extends Error {
  constructor(
    readonly path: string,
    readonly refusal: Refusal,
  ) {
    super(`${path}: ${refusal.reason}`)
    this.name = 'ReadRefused'
  }
}

// O_NONBLOCK: open(2) of a FIFO without a writer would block the whole process
// (the event loop included); with it the open returns at once. It has no effect
// on regular files. Windows has neither the flag nor FIFOs.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0)

function open(path: string): number {
  try {
    return openSync(path, OPEN_FLAGS)
  } catch (e) {
    // open(2) of a Unix socket is ENXIO: say what it is rather than the errno.
    if ((e as NodeJS.ErrnoException).code === 'ENXIO') throw new ReadRefused(path, { reason: 'socket' })
    throw e
  }
}

// Most certificate files are a few kilobytes: one read into a reused buffer and no
// fstat (its Stats object costs more than the read in a 100,000-file batch).
const SCRATCH = Buffer.allocUnsafe(256 * 1024)

export interface InputReadOptions {
  /** A directory entry already said it is a regular file: no second read to find its end. */
  regular?: boolean
  maxBytes?: number
  timeoutMs?: number
}

/**
 * A named input: a regular file is read here and now (the batch hot path stays
 * synchronous); a pipe or a device comes back as a promise, read with the size
 * cap and the idle timeout.
 */
export function readInput(path: string, opts: InputReadOptions = {}): Buffer | Promise<Buffer> {
  // The timeout only for a pipe or a device: reading process.env costs ~0.2 µs, on every file of a batch.
  try {
    return readNamed(path, opts, (fd, limit) => readSpecial(fd, path, limit, opts.timeoutMs ?? idleTimeoutMs()))
  } catch (e) {
    const fd = e instanceof ReadRefused && e.refusal.reason === 'socket' ? socketWeHold(path) : undefined
    if (fd === undefined) throw e
    return readSocket(fd, path, opts.maxBytes ?? INPUT_MAX_BYTES, opts.timeoutMs ?? idleTimeoutMs())
  }
}

/** A pipe or a socket through the event loop (epoll): waiting on it holds no thread. */
async function readSocket(fd: number, path: string, limit: number, timeoutMs: number): Promise<Buffer> {
  // Loaded here: a plain file never pays for node:net at start-up.
  const { Socket } = await import('node:net')
  return collect(new Socket({ fd, readable: true, writable: false }), path, limit, timeoutMs)
}

// /dev/stdin, /dev/fd/N, /proc/self/fd/N name a descriptor this process already
// holds. When it is a socket (a parent such as Node's child_process hands its
// children socketpairs, not pipes), open(2) of the name is ENXIO: the descriptor
// itself is read.
const OWN_DESCRIPTOR = /^\/(?:dev\/stdin|dev\/fd\/(\d+)|proc\/self\/fd\/(\d+))$/

function socketWeHold(path: string): number | undefined {
  const m = OWN_DESCRIPTOR.exec(path)
  if (!m) return undefined
  const fd = Number(m[1] ?? m[2] ?? 0)
  try {
    return fstatSync(fd).isSocket() ? fd : undefined
  } catch {
    return undefined
  }
}

/** As readInput for callers that cannot wait (diagnose's checks): a pipe or a device is refused. */
export function readInputSync(path: string, opts: InputReadOptions = {}): Buffer {
  return readNamed(path, opts, (fd) => {
    closeSync(fd)
    throw new ReadRefused(path, { reason: 'not-regular' })
  })
}

/** Reads a regular file; hands anything else (and its descriptor) to `special`. */
function readNamed<T>(path: string, opts: InputReadOptions, special: (fd: number, limit: number) => T): Buffer | T {
  const limit = opts.maxBytes ?? INPUT_MAX_BYTES
  const fd = open(path)
  let handedOver = false
  try {
    let n: number
    try {
      n = readSync(fd, SCRATCH, 0, SCRATCH.length, 0)
    } catch (e) {
      // ESPIPE: a pipe or a terminal has no position 0 to read from; EAGAIN: nothing there yet.
      const code = (e as NodeJS.ErrnoException).code
      if (code !== 'ESPIPE' && code !== 'EAGAIN') throw e
      handedOver = true
      return special(fd, limit)
    }
    // A short read of a regular file is its end (POSIX read(2)); anything else gets the careful path.
    if (n < SCRATCH.length && (opts.regular || readSync(fd, SCRATCH, n, 1, n) === 0)) return Buffer.from(SCRATCH.subarray(0, n))
    const st = fstatSync(fd)
    if (!st.isFile()) {
      // /dev/zero and friends read at position 0 as well: the size cap ends them, not their "size" of 0.
      handedOver = true
      return special(fd, limit)
    }
    return readWhole(fd, path, st.size, limit)
  } finally {
    if (!handedOver) closeSync(fd)
  }
}

/** A file that must be a regular one (a bank profile): anything else is refused before a byte is read. */
export function readRegularFile(path: string, maxBytes: number): Buffer {
  const fd = open(path)
  try {
    const st = fstatSync(fd)
    if (st.isDirectory()) throw Object.assign(new Error(`EISDIR: ${path}`), { code: 'EISDIR' })
    if (!st.isFile()) throw new ReadRefused(path, { reason: 'not-regular' })
    return readWhole(fd, path, st.size, maxBytes)
  } finally {
    closeSync(fd)
  }
}

function readWhole(fd: number, path: string, size: number, limit: number): Buffer {
  if (size > limit) throw new ReadRefused(path, { reason: 'too-large', size, limit })
  const buf = Buffer.allocUnsafe(size)
  let off = 0
  while (off < size) {
    const n = readSync(fd, buf, off, size - off, off)
    if (n === 0) break // the file shrank while we read it
    off += n
  }
  return off === size ? buf : buf.subarray(0, off)
}

/** Reads a pipe or a device to its end; owns `fd` (closes it). */
function readSpecial(fd: number, path: string, limit: number, timeoutMs: number): Promise<Buffer> {
  let st
  try {
    st = fstatSync(fd)
  } catch (e) {
    closeSync(fd)
    return Promise.reject(e)
  }
  // A FIFO or a pipe goes to the event loop (epoll): it waits for a writer without
  // holding a thread, and a FIFO nobody has opened yet is not taken for an empty one.
  if (st.isFIFO()) return readSocket(fd, path, limit, timeoutMs)
  return readDevice(fd, path, limit, timeoutMs)
}

/** A stream to its end, within the size cap; an idle timeout unless `timeoutMs` is 0 (a person typing). */
export function collect(stream: NodeJS.ReadableStream & { destroy?: () => void }, path: string, limit: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let timer: NodeJS.Timeout | undefined
    const arm = (): void => {
      if (!timeoutMs) return
      clearTimeout(timer)
      timer = setTimeout(() => finish(new ReadRefused(path, { reason: 'timeout', seconds: timeoutMs / 1000 })), timeoutMs)
    }
    const finish = (err?: Error): void => {
      clearTimeout(timer)
      stream.off('data', onData)
      stream.off('end', onEnd)
      stream.off('error', finish)
      if (err) {
        stream.destroy?.()
        reject(err)
      } else resolve(Buffer.concat(chunks))
    }
    const onData = (chunk: Buffer | string): void => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      size += b.length
      if (size > limit) return finish(new ReadRefused(path, { reason: 'too-large', size, limit }))
      chunks.push(b)
      arm()
    }
    const onEnd = (): void => finish()
    stream.on('data', onData)
    stream.once('end', onEnd)
    stream.once('error', finish)
    arm()
  })
}

const POLL_MS = 20

/** A character or block device, opened non-blocking: EAGAIN means "nothing yet", polled until the timeout. */
async function readDevice(fd: number, path: string, limit: number, timeoutMs: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  let idleSince = Date.now()
  try {
    for (;;) {
      const buf = Buffer.allocUnsafe(64 * 1024)
      let n: number
      try {
        n = await new Promise<number>((resolve, reject) => read(fd, buf, 0, buf.length, null, (e, bytes) => (e ? reject(e) : resolve(bytes))))
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e
        if (Date.now() - idleSince >= timeoutMs) throw new ReadRefused(path, { reason: 'timeout', seconds: timeoutMs / 1000 })
        await new Promise((r) => setTimeout(r, POLL_MS))
        continue
      }
      if (n === 0) return Buffer.concat(chunks)
      size += n
      if (size > limit) throw new ReadRefused(path, { reason: 'too-large', size, limit })
      chunks.push(buf.subarray(0, n))
      idleSince = Date.now()
    }
  } finally {
    closeSync(fd)
  }
}
