import { closeSync, fstatSync, openSync, readSync, readdirSync, statSync, type Dirent } from 'node:fs'
import { extname, join } from 'node:path'
import { UkeyError } from '../../errors.js'

/** Larger inputs are refused unread: a certificate bundle is kilobytes, a 1 GB "certificate" is a mistake. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024

/** Extensions taken from directories; files named on the command line are always read. */
export const CERT_EXTENSIONS = new Set(['.pem', '.crt', '.cer', '.cert', '.der', '.p7b', '.p7c', '.pfx', '.p12'])

export type Source = { kind: 'file'; path: string; regular?: boolean } | { kind: 'stdin'; path: '-' }

export type SourceEvent = { ok: true; source: Source } | { ok: false; path: string; error: UkeyError }

function fsError(path: string, e: unknown): UkeyError {
  const code = (e as NodeJS.ErrnoException).code
  if (code === 'ENOENT' || code === 'ENOTDIR') return new UkeyError('INPUT_NOT_FOUND', { params: { source: path }, cause: e })
  if (code === 'EISDIR') return new UkeyError('INPUT_IS_DIRECTORY', { params: { source: path }, cause: e })
  return new UkeyError('INPUT_UNREADABLE', { params: { source: path, detail: code ?? 'error' }, cause: e })
}

function byName(a: Dirent, b: Dirent): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0
}

/**
 * Expands the command line's inputs into files, lazily and in a stable order
 * (names sorted per directory), so 100,000 files are never held at once.
 * A named directory contributes its certificate files; subdirectories only
 * with `recursive` (symbolic links to directories are not followed: no loops).
 */
export function* expandInputs(inputs: string[], recursive: boolean): Generator<SourceEvent> {
  for (const input of inputs) {
    if (input === '-') {
      yield { ok: true, source: { kind: 'stdin', path: '-' } }
      continue
    }
    let isDir: boolean
    try {
      isDir = statSync(input).isDirectory()
    } catch (e) {
      yield { ok: false, path: input, error: fsError(input, e) }
      continue
    }
    if (isDir) yield* walk(input, recursive)
    else yield { ok: true, source: { kind: 'file', path: input } }
  }
}

function* walk(dir: string, recursive: boolean): Generator<SourceEvent> {
  let entries: Dirent[]
  try {
    entries = readdirSync(dir, { withFileTypes: true }).sort(byName)
  } catch (e) {
    yield { ok: false, path: dir, error: fsError(dir, e) }
    return
  }
  for (const entry of entries) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      if (recursive) yield* walk(path, recursive)
    } else if (entry.isFile() || entry.isSymbolicLink()) {
      if (CERT_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
        if (entry.isSymbolicLink()) {
          try {
            if (!statSync(path).isFile()) continue
          } catch (e) {
            yield { ok: false, path, error: fsError(path, e) }
            continue
          }
        }
        yield { ok: true, source: { kind: 'file', path, regular: entry.isFile() } }
      }
    }
  }
}

// Most certificate files are a few kilobytes: one read into a reused buffer, no
// fstat (its Stats object costs more than the read in a 100,000-file batch).
const SCRATCH = Buffer.allocUnsafe(256 * 1024)

/** Reads a whole file, refusing anything over the limit before reading it. */
/** `regular`: the caller knows it is a regular file (a directory entry said so). */
export function readSourceFile(path: string, limit = MAX_INPUT_BYTES, regular = false): Buffer {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch (e) {
    throw fsError(path, e)
  }
  try {
    const n = readSync(fd, SCRATCH, 0, SCRATCH.length, 0)
    // A short read of a regular file is its end (POSIX read(2)); anything else gets the careful path.
    if (n < SCRATCH.length && (regular || readSync(fd, SCRATCH, n, 1, n) === 0)) return Buffer.from(SCRATCH.subarray(0, n))
    return readLarge(fd, path, limit)
  } catch (e) {
    if (e instanceof UkeyError) throw e
    throw fsError(path, e)
  } finally {
    closeSync(fd)
  }
}

function readLarge(fd: number, path: string, limit: number): Buffer {
  const st = fstatSync(fd)
  if (st.size > limit) throw new UkeyError('INPUT_TOO_LARGE', { params: { source: path, size: st.size, limit } })
  const buf = Buffer.allocUnsafe(st.size)
  let off = 0
  while (off < st.size) {
    const n = readSync(fd, buf, off, st.size - off, off)
    if (n === 0) break // the file shrank while we read it
    off += n
  }
  return off === st.size ? buf : buf.subarray(0, off)
}

/** Reads standard input to its end, refusing more than the limit. */
export async function readStdin(stream: NodeJS.ReadableStream, limit = MAX_INPUT_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stream) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
    size += b.length
    if (size > limit) throw new UkeyError('INPUT_TOO_LARGE', { params: { source: '-', size, limit } })
    chunks.push(b)
  }
  return Buffer.concat(chunks)
}
