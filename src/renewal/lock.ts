import { createHash, randomBytes } from 'node:crypto'
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { UkeyError } from '../errors.js'
import { ownIdentity, processIdentity } from '../platform/process.js'
import { journalWriteError } from './journal.js'

/**
 * One renewal per key at a time: two runs on one key (two terminals, a script
 * and a person) would each generate a key pair and race to retire the old one
 * (issue 11: 5 of 45 simultaneous pairs both ran with the old lock).
 *
 * The owner is in the lock from the instant it exists: the record is written to
 * a private temporary file, synced, then hard-linked to the lock's name. link()
 * fails with EEXIST instead of replacing (POSIX; NTFS the same), so exactly one
 * creator wins and nobody ever reads a lock without its owner.
 *
 * A lock is taken over only when its owner is provably not a running ukey: the
 * process is gone, or (Linux) the pid now belongs to a process with another
 * start time — a pid reused after a crash or a reboot. Where the OS cannot tell
 * a process's start time (Windows, macOS), a live pid is assumed to be the owner:
 * the message names the lock file, for a person who knows no ukey runs. The
 * takeover itself cannot race: see `breakStale`.
 */

export interface LockOwner {
  pid: number
  /** The OS's start time of the owner (platform/process.ts), null where unknown. */
  start: string | null
  command: string | null
  host: string
  since: string
}

/** Held this long without a readable owner, a lock is debris (a file truncated by a crash of an old version), not a lock being made. */
const UNREADABLE_GRACE_MS = 5_000
const MAX_ATTEMPTS = 20

export function lockKey(dir: string, tokenSerial: string, now: () => Date = () => new Date()): () => void {
  try {
    // The journal and the lock are the user's alone (0700 whatever the umask): they name the key and its certificates.
    mkdirSync(dir, { recursive: true, mode: 0o700 })
  } catch (e) {
    throw journalWriteError(dir, e)
  }
  const file = join(dir, `${tokenSerial.replace(/[^0-9A-Za-z_-]/g, '_')}.lock`)
  const held = acquire(file, ownerRecord(now()), (owner) => new UkeyError('RENEWAL_BUSY', {
    params: { serial: tokenSerial, pid: owner?.pid ?? '?', since: owner?.since ?? '?', file },
  }))
  return () => release(file, held)
}

/** Creates `file` holding `record`, taking over a stale one; returns what it wrote (the release checks it is still ours). */
function acquire(file: string, record: string, busy: (owner: LockOwner | null) => UkeyError): string {
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
  writeSynced(tmp, record)
  try {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        linkSync(tmp, file)
        return record
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw journalWriteError(file, e)
      }
      const content = readOrNull(file)
      if (content === null) continue // released in between: try again
      const verdict = judge(content, file)
      if (verdict.live) throw busy(verdict.owner)
      breakStale(file, content, busy)
    }
    throw busy(null)
  } finally {
    rmSync(tmp, { force: true })
  }
}

/**
 * Removes a stale lock only if it still holds exactly `content`. Only one process
 * may break a given stale record: the right to do so is itself a lock, named after
 * the record's hash and taken the same way (a crashed breaker leaves a stale
 * marker, which the next one breaks in turn). While that marker is held nobody
 * else can remove the record, and its owner is dead, so between the re-read and
 * the removal the file cannot change; a record never recurs (start time and
 * `since` differ), so a late breaker re-reading a newer lock leaves it alone.
 */
function breakStale(file: string, content: string, busy: (owner: LockOwner | null) => UkeyError): void {
  const marker = `${file}.takeover-${createHash('sha256').update(content).digest('hex').slice(0, 16)}`
  let held: string
  try {
    held = acquire(marker, ownerRecord(new Date()), busy)
  } catch (e) {
    // Another process is breaking this record right now: let it finish, then the caller reads the lock again.
    if (e instanceof UkeyError && e.code === 'RENEWAL_BUSY') {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5)
      return
    }
    throw e
  }
  try {
    if (readOrNull(file) === content) rmSync(file, { force: true })
  } finally {
    release(marker, held)
  }
}

/** This process as a lock's owner; `since` makes every record unique, so a stale one never recurs. */
function ownerRecord(since: Date): string {
  const me = ownIdentity()
  return JSON.stringify({ pid: me.pid, start: me.start, command: me.command, host: hostname(), since: since.toISOString() } satisfies LockOwner) + '\n'
}

function release(file: string, record: string): void {
  // Never remove a lock that is no longer ours (taken over by a person's hand, or a bug): compare first.
  if (readOrNull(file) === record) rmSync(file, { force: true })
}

/** Is the lock's owner a live ukey? Unknown owners on another host or an OS that cannot tell are assumed live. */
function judge(content: string, file: string): { live: boolean; owner: LockOwner | null } {
  const owner = parseOwner(content)
  if (!owner) {
    let age = Infinity
    try {
      age = Date.now() - statSync(file).mtimeMs
    } catch {
      /* gone: stale */
    }
    return { live: age < UNREADABLE_GRACE_MS, owner: null }
  }
  // Another machine's process (a home folder shared over the network) cannot be checked from here.
  if (owner.host !== hostname()) return { live: true, owner }
  const now = processIdentity(owner.pid)
  if (!now) return { live: false, owner }
  if (owner.start !== null && now.start !== null) return { live: owner.start === now.start, owner }
  // A record without a start time (a lock from an older ukey, "<pid>\n"): on Linux the command line still tells ukey from another program.
  if (now.command !== null) return { live: /ukey|bin\/run\.js|dev\.js/.test(now.command), owner }
  return { live: true, owner }
}

function parseOwner(content: string): LockOwner | null {
  const legacy = /^(\d+)\n?$/.exec(content)
  if (legacy) return { pid: Number(legacy[1]), start: null, command: null, host: hostname(), since: '?' }
  try {
    const o = JSON.parse(content) as Partial<LockOwner>
    if (typeof o.pid !== 'number' || !Number.isInteger(o.pid) || o.pid <= 0) return null
    return { pid: o.pid, start: typeof o.start === 'string' ? o.start : null, command: typeof o.command === 'string' ? o.command : null, host: String(o.host ?? ''), since: String(o.since ?? '?') }
  } catch {
    return null
  }
}

function writeSynced(path: string, data: string): void {
  let fd: number
  try {
    fd = openSync(path, 'wx', 0o600)
  } catch (e) {
    throw journalWriteError(path, e)
  }
  try {
    writeSync(fd, data)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return null
  }
}
