import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { UkeyError } from '../errors.js'
import { journalWriteError } from './journal.js'

/**
 * One renewal per key at a time: two runs on one key (two terminals, a script
 * and a person) would each generate a key pair and race to retire the old one.
 * An exclusive-create lock file (O_EXCL: the same on Windows, macOS and Linux)
 * holding the owner's pid; a lock whose owner is gone — killed, crashed, the
 * power cut — is taken over, so a rerun after a crash is never blocked.
 */
export function lockKey(dir: string, tokenSerial: string): () => void {
  try {
    mkdirSync(dir, { recursive: true })
  } catch (e) {
    throw journalWriteError(dir, e)
  }
  const file = join(dir, `${tokenSerial.replace(/[^0-9A-Za-z_-]/g, '_')}.lock`)
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number
    try {
      fd = openSync(file, 'wx', 0o600)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw journalWriteError(file, e)
      const owner = Number.parseInt(safeRead(file), 10)
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
        throw new UkeyError('RENEWAL_BUSY', { params: { serial: tokenSerial, pid: owner } })
      }
      rmSync(file, { force: true })
      continue
    }
    try {
      writeSync(fd, `${process.pid}\n`)
    } finally {
      closeSync(fd)
    }
    return () => rmSync(file, { force: true })
  }
  throw new UkeyError('RENEWAL_BUSY', { params: { serial: tokenSerial, pid: '?' } })
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

/** Signal 0 tests for existence without touching the process (Windows too); EPERM means it exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}
