import { EventEmitter } from 'node:events'
import { fstatSync, statSync, writeSync } from 'node:fs'
import { UkeyError } from '../errors.js'

// process.stdout and process.stderr are made on first use, and making one loads Node's
// whole stream stack (node:stream, net, tty: ~20 internal modules, ~2 ms of a 40 ms
// start, hyperfine: an empty script 24.5 ms, one process.stdout.write 27.0 ms,
// fs.writeSync(1) 24.9 ms, bench/README.md). For a regular file or the null device Node's
// own stream is a SyncWriteStream, which is fs.writeSync on the descriptor: here is the
// same write without the stack. A terminal, a pipe or a socket keeps Node's stream (the
// care it takes with EAGAIN on a non-blocking pipe, EPIPE, a TTY's modes).

const nullDevice = process.platform === 'win32' ? undefined : '/dev/null'

/**
 * What a descriptor is, as far as writing to it goes: a regular file or the null device
 * (`> out.txt`, `>/dev/null`: plain synchronous writes, never a terminal), another
 * character device (perhaps a terminal), or anything else (a pipe, a socket, closed).
 * Asked once per descriptor: the terminal facts and the output stream both need it.
 */
type OutputKind = 'plain' | 'device' | 'other'
const kinds = new Map<number, OutputKind>()

function outputKind(fd: number): OutputKind {
  let kind = kinds.get(fd)
  if (kind === undefined) {
    kind = 'other'
    try {
      const st = fstatSync(fd)
      if (st.isFile()) kind = 'plain'
      // Windows' NUL is left to Node's stream: its stat says little.
      else if (st.isCharacterDevice()) kind = nullDevice && st.rdev === statSync(nullDevice).rdev ? 'plain' : 'device'
    } catch {
      // a closed or unstatable descriptor: Node's stream decides
    }
    kinds.set(fd, kind)
  }
  return kind
}

/** fd is a regular file or the null device: plain synchronous writes, never a terminal. */
export function isPlainFileOutput(fd: number): boolean {
  return outputKind(fd) === 'plain'
}

/** Whether fd is a terminal, without making the stream when a stat already says no (a file, a pipe, a socket, /dev/null). */
export function isTerminal(fd: 1 | 2, stream: () => { isTTY?: boolean }): boolean {
  return outputKind(fd) === 'device' && Boolean(stream().isTTY)
}

/**
 * What ukey's writers use of a Writable (write, and the events TextSink waits on), over
 * fs.writeSync: every write is done when it returns, so it never asks to wait for
 * 'drain'. A failed write (a full disk) throws OUTPUT_UNWRITABLE to the writer, where
 * the command's own failure handling reports it.
 */
export class FileOutput extends EventEmitter {
  readonly isTTY = false
  readonly writable = true
  /** Every write is done when write() returns: the caller may reuse its buffer (output/sink.ts). */
  readonly writesSynchronously = true

  constructor(readonly fd: number) {
    super()
  }

  write(chunk: string | Uint8Array, encoding?: BufferEncoding | ((err?: Error | null) => void), done?: (err?: Error | null) => void): boolean {
    const cb = typeof encoding === 'function' ? encoding : done
    if (typeof chunk === 'string') writeAll(this.fd, Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8'))
    else writeAll(this.fd, chunk)
    cb?.(null)
    return true
  }

  end(chunk?: string | Uint8Array | (() => void), done?: () => void): this {
    if (typeof chunk === 'function') chunk()
    else {
      if (chunk !== undefined) this.write(chunk)
      done?.()
    }
    return this
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  try {
    // A regular file takes a whole write unless the disk is full (then writeSync throws).
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at)
  } catch (e) {
    throw outputUnwritable(e)
  }
}

/** A write to standard output that failed (ENOSPC, EIO, EBADF), as the one error the commands report. */
export function outputUnwritable(e: unknown): UkeyError {
  const detail = (e as NodeJS.ErrnoException)?.code ?? (e instanceof Error ? e.message : String(e))
  return new UkeyError('OUTPUT_UNWRITABLE', { params: { detail }, cause: e })
}
