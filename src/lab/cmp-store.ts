// The lab CMP server's record of renewals, keyed by the old certificate's
// serial: written on every confirmed renewal through a temporary file, fsync
// and rename, so a crash leaves the old file or the new one, never half of one.
// A file that is there but not a record (edited by hand, another program's, a
// disk fault) stops the server with its name and the way out — it is never
// silently replaced: it may be the only record of which certificates were renewed.

import { UkeyError } from '../errors.js'
import { makePrivateDir, PRIVATE_FILE } from './private-files.js'
import { chmodSync, closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'

export interface RenewalRecord {
  renewedAt: string
  newSerial: string
  /** The CMP transaction that confirmed it and the certConf's certHash (hex): a repeated certConf is recognised. */
  transactionId?: string
  certHash?: string
}

interface StateFile {
  schemaVersion: 1
  kind: 'ukey.lab-renewals'
  renewals: Record<string, RenewalRecord>
}

export class RenewalStore {
  private readonly renewals = new Map<string, RenewalRecord>()
  private writing: Promise<void> = Promise.resolve()

  constructor(readonly file: string) {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return
      throw e
    }
    const damaged = (detail: string, cause?: unknown): UkeyError => new UkeyError('LAB_STORE_DAMAGED', { params: { file, detail }, cause })
    let parsed: Partial<StateFile>
    try {
      parsed = JSON.parse(text) as Partial<StateFile>
    } catch (e) {
      throw damaged('not JSON', e)
    }
    if (typeof parsed !== 'object' || parsed === null || parsed.kind !== 'ukey.lab-renewals' || typeof parsed.renewals !== 'object' || parsed.renewals === null) {
      throw damaged('not a lab renewal record')
    }
    for (const [serial, r] of Object.entries(parsed.renewals)) {
      if (typeof r !== 'object' || r === null || typeof (r as Partial<RenewalRecord>).renewedAt !== 'string') throw damaged(`entry ${serial.slice(0, 40)}`)
      this.renewals.set(serial.toLowerCase(), r)
    }
  }

  get(oldSerialHex: string): RenewalRecord | undefined {
    return this.renewals.get(oldSerialHex.toLowerCase())
  }

  has(oldSerialHex: string): boolean {
    return this.renewals.has(oldSerialHex.toLowerCase())
  }

  /** Records and persists; concurrent calls are written one after another. */
  record(oldSerialHex: string, r: RenewalRecord): Promise<void> {
    this.renewals.set(oldSerialHex.toLowerCase(), r)
    const next = this.writing.then(() => this.persist())
    this.writing = next.catch(() => undefined)
    return next
  }

  private persist(): void {
    const state: StateFile = { schemaVersion: 1, kind: 'ukey.lab-renewals', renewals: Object.fromEntries(this.renewals) }
    const dir = dirname(this.file)
    makePrivateDir(dir, false)
    const tmp = `${this.file}.${process.pid}.tmp`
    const fd = openSync(tmp, 'w', PRIVATE_FILE)
    chmodSync(tmp, PRIVATE_FILE)
    try {
      writeSync(fd, JSON.stringify(state, null, 2) + '\n')
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, this.file)
    // The rename itself is durable once the directory is synced (not possible on Windows: skipped there).
    if (process.platform !== 'win32') {
      const d = openSync(dir, 'r')
      try {
        fsyncSync(d)
      } finally {
        closeSync(d)
      }
    }
  }
}
