import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs'
import { basename, join } from 'node:path'
import { stateJournalDir } from '../platform/paths.js'
import { UkeyError } from '../errors.js'

/**
 * The renewal journal (DESIGN.md "The renewal transaction"): every step is
 * recorded before and after it runs, durably, so a crash, a pulled key or a
 * power cut at any point leaves enough to resume or roll back, and the old
 * credential is never removed before the new one is stored and confirmed.
 * Holds no secret: token and certificate identifiers, the new certificate
 * once issued (public), never a PIN.
 */

export const RENEWAL_STEPS = [
  'window-checked',
  'logged-in',
  'key-generated',
  'request-sent',
  'certificate-received',
  'certificate-stored',
  'confirmed',
  'old-removed',
] as const
export type RenewalStep = (typeof RENEWAL_STEPS)[number]

export interface JournalEntry {
  step: RenewalStep
  phase: 'begin' | 'end' | 'failed'
  at: string
  /** Short, secret-free facts: ids, serials, an error code. */
  detail?: Record<string, string | number | boolean>
}

export interface JournalRecord {
  schemaVersion: 1
  /** `<token serial>-<old certificate serial>`: one renewal of one certificate on one key. */
  id: string
  createdAt: string
  token: { serial: string; label: string; module: string }
  /** The credential being renewed: its key's CKA_ID, its certificate's serial, SHA-256 and DER (base64, public). */
  old: { keyId: string; certSerial: string; certSha256: string; certificate?: string }
  /** The server the request went to. */
  server?: string
  /** Set before the new key pair is generated (a rollback deletes whatever exists under it). */
  newKeyId?: string
  /** The new key's SubjectPublicKeyInfo (DER, base64) once generated: a rerun can send the request again. */
  newSpki?: string
  transactionId?: string
  /** The issued certificate (DER, base64) once received and checked. */
  newCertificate?: string
  /** What confirming the issued certificate needs (public values): a rerun confirms after a crash. */
  confirmation?: { transactionID: string; recipNonce: string }
  /** Why the journal was closed without a renewal, when it was. */
  outcome?: string
  entries: JournalEntry[]
  state: 'open' | 'done' | 'rolled-back'
}

/**
 * Where journals live: the XDG state directory on Linux and BSD ($XDG_STATE_HOME,
 * ~/.local/state), the user's data directory elsewhere (%LOCALAPPDATA% on
 * Windows, Application Support on macOS: env-paths' "log" folders are for logs).
 * The lab keeps its own journals in its folder, apart from real keys'.
 */
/**
 * The journal cannot be written (a full disk, a read-only or misplaced folder).
 * The renewal stops there; nothing before the confirmation touches the old
 * credential, and a rerun cleans up what the journal's last record names.
 */
export function journalWriteError(path: string, e: unknown): UkeyError {
  return new UkeyError('RENEWAL_JOURNAL_UNWRITABLE', { params: { path, detail: (e as NodeJS.ErrnoException).code ?? String(e) }, cause: e })
}

export type JournalPatch = Partial<Pick<JournalRecord, 'server' | 'newKeyId' | 'newSpki' | 'transactionId' | 'newCertificate' | 'confirmation'>>

/** The journal's clock: entries carry the time they were written (injected in tests, like every clock). */
export type Clock = () => Date

/** Every journal in `dir`, newest first: open ones are interrupted renewals, done ones are history. */
export function listJournals(dir: string, clock: Clock = () => new Date()): RenewalJournal[] {
  let names: string[]
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'))
  } catch {
    return []
  }
  return names
    .map((n) => RenewalJournal.load(join(dir, n), clock))
    .filter((j): j is RenewalJournal => j !== null)
    .sort((a, b) => b.data.createdAt.localeCompare(a.data.createdAt) || a.file.localeCompare(b.file))
}

export function defaultJournalDir(opts: { labDir?: string } = {}): string {
  if (opts.labDir) return join(opts.labDir, 'journal')
  return stateJournalDir()
}

/**
 * Writes `data` to `file` so that a crash leaves either the old or the new
 * content, never a mix: a temporary file in the same folder, fsync, rename over,
 * then (POSIX) fsync the folder so the rename itself survives a power cut.
 * `publish: false` leaves out the folder's fsync: the new content is whole
 * wherever it shows, but a power cut may bring back the old one (which was
 * whole too) until a later write with the fsync (see RenewalJournal.save).
 */
export function writeDurably(file: string, data: string, { publish = true }: { publish?: boolean } = {}): void {
  const tmp = `${file}.${process.pid}.tmp`
  const fd = openSync(tmp, 'w', 0o600)
  try {
    writeSync(fd, data)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, file)
  if (publish && process.platform !== 'win32') {
    // Windows cannot open a directory for fsync; NTFS journals the rename itself.
    const dir = openSync(join(file, '..'), 'r')
    try {
      fsyncSync(dir)
    } finally {
      closeSync(dir)
    }
  }
}

export class RenewalJournal {
  private constructor(
    readonly file: string,
    private record: JournalRecord,
    private readonly clock: Clock,
  ) {}

  /** Starts a journal, or returns the open one for the same key and certificate (a rerun resumes). */
  static open(dir: string, init: Pick<JournalRecord, 'token' | 'old'>, clock: Clock = () => new Date()): RenewalJournal {
    try {
      // The journal and the lock are the user's alone (0700 whatever the umask): they name the key and its certificates.
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    } catch (e) {
      throw journalWriteError(dir, e)
    }
    const file = RenewalJournal.fileFor(dir, init.token.serial, init.old.certSerial)
    const id = basename(file, '.json')
    const existing = RenewalJournal.load(file, clock)
    if (existing && existing.record.state === 'open') return existing
    const j = new RenewalJournal(file, { schemaVersion: 1, id, createdAt: clock().toISOString(), ...init, entries: [], state: 'open' }, clock)
    j.save(false)
    return j
  }

  /** One renewal of one certificate on one key: `<token serial>-<old certificate serial>.json`. */
  static fileFor(dir: string, tokenSerial: string, certSerial: string): string {
    return join(dir, `${safe(tokenSerial)}-${safe(certSerial)}.json`)
  }

  static load(file: string, clock: Clock = () => new Date()): RenewalJournal | null {
    try {
      const record = JSON.parse(readFileSync(file, 'utf8')) as JournalRecord
      return record.schemaVersion === 1 ? new RenewalJournal(file, record, clock) : null
    } catch {
      return null
    }
  }

  /** Open journals: renewals that were interrupted (`ukey renew --status`). */
  static pending(dir: string, clock: Clock = () => new Date()): RenewalJournal[] {
    return listJournals(dir, clock).filter((j) => j.record.state === 'open')
  }

  get data(): Readonly<JournalRecord> {
    return this.record
  }

  /** The last step that ended: where a rerun resumes. */
  get lastCompleted(): RenewalStep | null {
    for (let i = this.record.entries.length - 1; i >= 0; i--) {
      const e = this.record.entries[i]!
      if (e.phase === 'end') return e.step
    }
    return null
  }

  begin(step: RenewalStep, detail?: JournalEntry['detail'], patch: JournalPatch = {}): void {
    Object.assign(this.record, patch)
    this.add({ step, phase: 'begin', at: this.clock().toISOString(), ...(detail ? { detail } : {}) })
  }

  end(step: RenewalStep, detail?: JournalEntry['detail'], patch: JournalPatch = {}): void {
    Object.assign(this.record, patch)
    // The issued certificate is the one thing a rerun cannot ask for again (the bank renews once): published at once.
    this.add({ step, phase: 'end', at: this.clock().toISOString(), ...(detail ? { detail } : {}) }, patch.newCertificate !== undefined)
  }

  fail(step: RenewalStep, code: string): void {
    this.add({ step, phase: 'failed', at: this.clock().toISOString(), detail: { code } })
  }

  /** Has this step ended (in this journal's life)? */
  completed(step: RenewalStep): boolean {
    return this.record.entries.some((e) => e.step === step && e.phase === 'end')
  }

  /** Has this step begun (in this journal's life)? A step that began may have changed the key even if it never ended. */
  begun(step: RenewalStep): boolean {
    return this.record.entries.some((e) => e.step === step && e.phase === 'begin')
  }

  close(state: 'done' | 'rolled-back', outcome?: string): void {
    this.record.state = state
    if (outcome) this.record.outcome = outcome
    this.save()
  }

  /** Removes a closed journal (kept until then as the record of what happened). */
  remove(): void {
    rmSync(this.file, { force: true })
  }

  private add(e: JournalEntry, publish = true): void {
    this.record.entries.push(e)
    this.save(publish)
  }

  /**
   * Every save is whole (fsync before the rename: a SIGKILL or a power cut never
   * leaves half a record). What must survive a power cut is the record written
   * before the key is changed or the bank is asked: each step's begin, a
   * failure (a roll-back follows), the close, and the end that holds the issued
   * certificate. A new journal and the other ends are followed by one of those
   * saves before anything else happens to the key or the bank (the runner: end,
   * then the next begin), and each save is the whole record, so their folder
   * fsync can wait for that one. Losing such a record in a power cut is the
   * same as the cut striking during the step it ends, which a rerun already
   * handles. A renewal fsyncs the folder 10 times instead of 18.
   */
  private save(publish = true): void {
    try {
      writeDurably(this.file, JSON.stringify(this.record, null, 2) + '\n', { publish })
    } catch (e) {
      throw journalWriteError(this.file, e)
    }
  }
}

function safe(s: string): string {
  return s.replace(/[^0-9A-Za-z_-]/g, '_').slice(0, 64)
}
