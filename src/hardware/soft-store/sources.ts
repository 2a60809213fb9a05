import { readdirSync, statSync, type Dirent } from 'node:fs'
import { extname, join } from 'node:path'
import { UkeyError } from '../../errors.js'
import { INPUT_MAX_BYTES, ReadRefused, collect, readInput, readInputSync } from '../../platform/bounded-read.js'

/** Larger inputs are refused unread: a certificate bundle is kilobytes, a 1 GB "certificate" is a mistake. */
export const MAX_INPUT_BYTES = INPUT_MAX_BYTES

/** Extensions taken from directories; files named on the command line are always read. */
export const CERT_EXTENSIONS = new Set(['.pem', '.crt', '.cer', '.cert', '.der', '.p7b', '.p7c', '.pfx', '.p12'])

export type Source = { kind: 'file'; path: string; regular?: boolean } | { kind: 'stdin'; path: '-' }

export type SourceEvent = { ok: true; source: Source } | { ok: false; path: string; error: UkeyError }

function fsError(path: string, e: unknown): UkeyError {
  if (e instanceof UkeyError) return e
  if (e instanceof ReadRefused) {
    const r = e.refusal
    switch (r.reason) {
      case 'too-large':
        return new UkeyError('INPUT_TOO_LARGE', { params: { source: path, size: r.size, limit: r.limit }, cause: e })
      case 'timeout':
        return new UkeyError('INPUT_UNREADABLE', { key: 'error.inputTimeout', params: { source: path, seconds: r.seconds }, cause: e })
      case 'socket':
        return new UkeyError('INPUT_UNREADABLE', { key: 'error.inputSocket', params: { source: path }, cause: e })
      case 'not-regular':
        return new UkeyError('INPUT_UNREADABLE', { key: 'error.inputNotRegular', params: { source: path }, cause: e })
    }
  }
  const code = (e as NodeJS.ErrnoException).code
  if (code === 'ENOENT' || code === 'ENOTDIR') return new UkeyError('INPUT_NOT_FOUND', { params: { source: path }, cause: e })
  if (code === 'EISDIR') return new UkeyError('INPUT_IS_DIRECTORY', { params: { source: path }, cause: e })
  return new UkeyError('INPUT_UNREADABLE', { params: { source: path, detail: code ?? 'error' }, cause: e })
}

function byName(a: Dirent, b: Dirent): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0
}

/**
 * The entries in name order. libuv's scandir hands them over sorted already (strcmp, the
 * same order for ASCII names), so one pass that finds them in order replaces the sort:
 * ~17 ms of 100,000 names (issue 16). Anything out of order (other platforms, names
 * whose UTF-8 and UTF-16 orders differ) is sorted as before.
 */
function sortedByName(entries: Dirent[]): Dirent[] {
  for (let i = 1; i < entries.length; i++) if (entries[i - 1]!.name >= entries[i]!.name) return entries.sort(byName)
  return entries
}

/**
 * Expands the command line's inputs into files, lazily and in a stable order
 * (names sorted per directory), so 100,000 files are never held at once.
 * A named directory contributes its certificate files; subdirectories only
 * with `recursive` (symbolic links to directories are not followed: no loops).
 */
export function* expandInputs(inputs: string[], recursive: boolean): Generator<SourceEvent> {
  const walk = new InputWalk(inputs, recursive)
  for (let chunk = walk.take(256); chunk.length; chunk = walk.take(256)) yield* chunk
}

/** A folder being walked: its listing, where the walk is in it, and the prefix of its paths. */
interface Folder {
  entries: Dirent[]
  next: number
  prefix: string
}

/**
 * expandInputs as a loop over a stack of folders, handing out up to `max` events at a
 * time (read-certificates.ts takes a batch at a time). Not a recursive generator: every
 * file went through one generator per folder level and expandInputs' own, and V8
 * compiled that walk twice per run (~40 ms of a compiler thread at 20,000 files, on the
 * two cores the batch needs; --trace-opt, issue 16).
 */
export class InputWalk {
  private readonly folders: Folder[] = []
  private input = 0

  constructor(
    private readonly inputs: string[],
    private readonly recursive: boolean,
  ) {}

  /** The next events, at most `max`; none when the walk is over. */
  take(max: number): SourceEvent[] {
    const out: SourceEvent[] = []
    while (out.length < max) {
      const depth = this.folders.length
      if (depth === 0) {
        if (this.input >= this.inputs.length) break
        this.named(this.inputs[this.input++]!, out)
        continue
      }
      const folder = this.folders[depth - 1]!
      if (folder.next >= folder.entries.length) {
        this.folders.pop()
        continue
      }
      const entry = folder.entries[folder.next++]!
      const path = folder.prefix + entry.name
      if (entry.isDirectory()) {
        if (this.recursive) this.open(path, out)
      } else if ((entry.isFile() || entry.isSymbolicLink()) && CERT_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
        if (entry.isFile()) out.push({ ok: true, source: { kind: 'file', path, regular: true } })
        else {
          try {
            if (statSync(path).isFile()) out.push({ ok: true, source: { kind: 'file', path, regular: false } })
          } catch (e) {
            out.push({ ok: false, path, error: fsError(path, e) })
          }
        }
      }
    }
    return out
  }

  /** An input as named on the command line. */
  private named(input: string, out: SourceEvent[]): void {
    if (input === '-') {
      out.push({ ok: true, source: { kind: 'stdin', path: '-' } })
      return
    }
    let isDir: boolean
    try {
      isDir = statSync(input).isDirectory()
    } catch (e) {
      out.push({ ok: false, path: input, error: fsError(input, e) })
      return
    }
    if (isDir) this.open(input, out)
    else out.push({ ok: true, source: { kind: 'file', path: input } })
  }

  /** Lists a folder and walks it next (depth first: its files come before the rest of its parent's). */
  private open(dir: string, out: SourceEvent[]): void {
    let entries: Dirent[]
    try {
      entries = sortedByName(readdirSync(dir, { withFileTypes: true }))
    } catch (e) {
      out.push({ ok: false, path: dir, error: fsError(dir, e) })
      return
    }
    // join() once per folder, not per file (~0.3 µs a file of a 100,000-file batch): a name
    // from readdir has no separator and is never "." or "..", so join(dir, name) is this.
    this.folders.push({ entries, next: 0, prefix: join(dir, 'x').slice(0, -1) })
  }
}

/** Reads a whole file now, refusing anything over the limit unread; a pipe or a device is refused (see readSource). */
export function readSourceFile(path: string, limit = MAX_INPUT_BYTES, regular = false): Buffer {
  try {
    return readInputSync(path, { maxBytes: limit, regular })
  } catch (e) {
    throw fsError(path, e)
  }
}

/**
 * Reads a named input: a regular file now, a pipe or a device (a FIFO, `<(cat a.pem)`,
 * /dev/stdin) as a promise, with the size cap and the idle timeout of platform/bounded-read.ts.
 */
export function readSource(path: string, regular = false): Buffer | Promise<Buffer> {
  let read: Buffer | Promise<Buffer>
  try {
    read = readInput(path, { regular })
  } catch (e) {
    throw fsError(path, e)
  }
  return Buffer.isBuffer(read) ? read : read.catch((e: unknown) => Promise.reject(fsError(path, e)))
}

/** Reads standard input to its end, refusing more than the limit (no idle timeout: `-` waits as any filter does). */
export async function readStdin(stream: NodeJS.ReadableStream, limit = MAX_INPUT_BYTES): Promise<Buffer> {
  try {
    return await collect(stream, '-', limit, 0)
  } catch (e) {
    throw fsError('-', e)
  }
}
