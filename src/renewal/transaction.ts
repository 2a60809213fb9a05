import { createHash } from 'node:crypto'
import { readCertSummary, type CertSummary } from '../cert/summary.js'
import { assessWindow, type WindowAssessment } from '../cert/window.js'
import { UkeyError } from '../errors.js'
import type { TokenCertificate, TokenInfo, TokenSelector, TokenSession } from '../hardware/pkcs11/types.js'
import { loginSafely, selectToken, type PinSource, type TokenContext } from '../hardware/tokens.js'
import type { MessageKey } from '../i18n/index.js'
import { certificateFields } from './cmp/certificate-fields.js'
import type { TransferOptions } from './cmp/transfer.js'
import { RenewalJournal, type Clock, type JournalRecord } from './journal.js'
import { keySpecFor } from './key-spec.js'
import { lockKey } from './lock.js'
import type { ServerProbe } from './probe.js'
import type { Checkpoint, KnownPlan, PlanCheck, RenewEvent, RenewPlan } from './steps/events.js'
import { KEY_UPDATE_STEPS, type KeyUpdateState } from './steps/key-update.js'
import { runSteps, unlessAborted } from './steps/runner.js'
import { checkKeyNumber } from './key-number.js'
import { nextActionOf } from './next-actions.js'
import { renewalServer, type RenewalServer } from './trust.js'

export type { Checkpoint, KnownPlan, PlanCheck, RenewEvent, RenewPlan } from './steps/events.js'

/**
 * The renewal transaction (DESIGN.md): window → login → new key pair under a
 * fresh CKA_ID → key update request signed by the old key → the answer
 * verified → the new certificate stored beside the new key and proven to sign →
 * confirmed to the bank → only then the old key pair and certificate removed.
 * Each step is journalled before and after it runs; a rerun finds the journal
 * and resumes, or rolls back what the interrupted run had added. Whatever
 * fails, the old credential is the last thing touched. This file is the
 * prelude (token, certificate, window, plan, confirmation, lock); the steps are
 * declared in steps/key-update.ts and driven by steps/runner.ts.
 */

export interface RenewOptions {
  ctx: TokenContext
  selector: TokenSelector
  /** CKA_ID (hex) of the certificate to renew, when the key holds several. */
  certId?: string
  pin: PinSource
  force?: boolean
  journalDir: string
  /** Overrides the profile's renewal URL. */
  serverUrl?: string
  transfer?: TransferOptions
  dryRun?: boolean
  /** Asked once, before the first change; false cancels. Absent: no confirmation needed (--yes). */
  confirm?: (plan: RenewPlan) => Promise<boolean>
  onEvent?: (e: RenewEvent) => void
  /** The number printed on the key's case: the plugged key must be that vendor's (FAQ 1), or nothing is changed. */
  keyNumber?: string
  now?: () => Date
  sleep?: (ms: number) => Promise<void>
  /**
   * Stops the renewal at the next safe point: between steps, or while the bank
   * says "waiting". Before the key is changed: CANCELLED (130), the journal
   * closed; after: RENEWAL_INTERRUPTED (31), the journal kept for a rerun.
   */
  signal?: AbortSignal
  /** The journal's clock (default: the system clock). */
  journalClock?: Clock
  /** The fault-injection seam (steps/events.ts); absent in normal runs. */
  checkpoint?: Checkpoint
}

export interface RenewResult {
  outcome: 'renewed' | 'dry-run' | 'cancelled'
  plan: RenewPlan
  /** The dry run's verdict: every check passed. */
  ready?: boolean
  newCertificate?: { id: string; der: Buffer; summary: CertSummary }
  journal: string | null
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

/** What the journal names a token and its certificate by: secret-free identifiers. */
function journalInit(token: TokenInfo, cert: TokenCertificate, summary: CertSummary): Pick<JournalRecord, 'token' | 'old'> {
  return {
    token: { serial: token.serial, label: token.label, module: token.module.path },
    old: { keyId: cert.id, certSerial: summary.serial, certSha256: sha256(cert.der), certificate: cert.der.toString('base64') },
  }
}

function pendingJournal(dir: string, token: TokenInfo, clock?: Clock): RenewalJournal | null {
  return RenewalJournal.pending(dir, clock).find((j) => j.data.token.serial === token.serial) ?? null
}

function windowRefusal(w: WindowAssessment, summary: CertSummary): UkeyError {
  const advice: MessageKey = `adviceShort.${w.state}` as MessageKey
  return new UkeyError('RENEWAL_OUTSIDE_WINDOW', {
    params: { advice: `${summary.subjectCN ?? summary.serial}: ${w.state}`, subject: summary.subjectCN ?? summary.serial, state: w.state },
    actions: w.state === 'lapsed' ? ['action.counter', 'action.diagnose0116'] : [advice, 'action.diagnose0116'],
  })
}

/** The certificate to renew: the one named, or the only one, or the only one the bank CA issued. */
function chooseCertificate(certs: TokenCertificate[], token: TokenInfo, server: RenewalServer, id?: string): TokenCertificate {
  if (id) {
    const c = certs.find((x) => x.id === id.toLowerCase())
    if (!c) throw new UkeyError('TOKEN_NO_CERTIFICATE', { params: { serial: `${token.serial} (--id ${id})` } })
    return c
  }
  if (certs.length === 0) throw new UkeyError('TOKEN_NO_CERTIFICATE', { params: { serial: token.serial }, actions: ['action.diagnose9002'] })
  if (certs.length === 1) return certs[0]!
  const caSubjects = server.trusted.map((d) => certificateFields(d).subject)
  const fromBank = certs.filter((c) => {
    try {
      const issuer = certificateFields(c.der).issuer
      return caSubjects.some((s) => s.equals(issuer))
    } catch {
      return false
    }
  })
  if (fromBank.length === 1) return fromBank[0]!
  throw new UkeyError('RENEWAL_CERT_AMBIGUOUS', { params: { count: certs.length, list: certs.map((c) => c.id).join(', ') } })
}

export async function renew(o: RenewOptions): Promise<RenewResult> {
  const now = o.now ?? ((): Date => new Date())
  const emit = o.onEvent ?? ((): void => undefined)
  let server: RenewalServer
  try {
    server = renewalServer(o.ctx.profile, o.serverUrl)
  } catch (e) {
    throw withHints(e)
  }
  const transfer: TransferOptions = { ...(server.tlsCa.length ? { ca: server.tlsCa } : {}), ...o.transfer }
  const { tokens } = await o.ctx.provider.listTokens()
  if (tokens.length === 0 && !o.selector.serial && !o.selector.label) {
    throw new UkeyError('TOKEN_NOT_FOUND', { params: { detail: '' }, actions: ['action.diagnose9002'] })
  }
  try {
    const token = selectToken(tokens, o.selector)
    emit({ type: 'known', token })
    if (o.keyNumber) checkKeyNumber(o.keyNumber, token, o.ctx.profile.vendors)
    // A dry run changes nothing: it neither takes nor waits for the lock.
    const unlock = o.dryRun ? (): void => undefined : lockKey(o.journalDir, token.serial)
    try {
      const session = await o.ctx.provider.open(token)
      try {
        return await new Transaction(o, session, server, transfer, now, emit).run()
      } finally {
        await session.close().catch(() => undefined)
      }
    } finally {
      unlock()
    }
  } catch (e) {
    throw withHints(e)
  }
}

/** The FAQ code a local failure stands for (issue 6: key missing → 9002; certificate without its key → 403.7). */
const KEY_HINTS: Partial<Record<string, MessageKey>> = {
  TOKEN_NOT_FOUND: 'action.diagnose9002',
  TOKEN_REMOVED: 'action.diagnose9002',
  TOKEN_NO_CERTIFICATE: 'action.diagnose9002',
  CERT_WITHOUT_KEY: 'action.diagnose4037',
}
const REFUSAL_HINTS: Partial<Record<string, MessageKey>> = { '0116': 'action.diagnose0116', '403.7': 'action.diagnose4037' }

/**
 * Every failure leaving `renew` points at what to do next: a refusal at the
 * bank's remedies for its FAQ code, an unreachable server at trying later, a
 * missing key or private key at the code a customer would have seen.
 */
function withHints(e: unknown): unknown {
  if (!(e instanceof UkeyError)) return e
  const again = (actions: MessageKey[]): UkeyError => new UkeyError(e.code, { key: e.key, params: e.params, actions, cause: e.cause })
  const refusal = e.code === 'RENEWAL_REFUSED' ? REFUSAL_HINTS[String(e.params['faq'] ?? '')] : undefined
  if (refusal) return again([refusal])
  if (e.code === 'RENEWAL_UNAVAILABLE') return again(['action.renewLater'])
  const hint = KEY_HINTS[e.code] ?? (e.actions.length ? undefined : nextActionOf(e.code))
  return hint && !e.actions.includes(hint) ? again([...e.actions, hint]) : e
}

/** The prelude (which certificate, the window, the plan, the confirmation), then the declared steps (steps/key-update.ts). */
class Transaction {
  private loggedIn = false

  constructor(
    private readonly o: RenewOptions,
    private readonly session: TokenSession,
    private readonly server: RenewalServer,
    private readonly transfer: TransferOptions,
    private readonly now: () => Date,
    private readonly emit: (e: RenewEvent) => void,
  ) {}

  private get token(): TokenInfo {
    return this.session.token
  }

  private async login(): Promise<void> {
    if (this.loggedIn || !this.token.loginRequired) return
    // The PIN prompt cannot be cancelled from here: a SIGTERM while it waits must not wait for a PIN.
    await unlessAborted(loginSafely(this.session, this.o.pin, { force: this.o.force }), this.o.signal)
    this.loggedIn = true
  }

  private async certificates(): Promise<TokenCertificate[]> {
    let certs = await this.session.listCertificates()
    // Some keys show their certificates only after login.
    if (certs.length === 0 && this.token.loginRequired && !this.loggedIn && !this.o.dryRun) {
      await this.login()
      certs = await this.session.listCertificates()
    }
    return certs
  }

  async run(): Promise<RenewResult> {
    const o = this.o
    const journal = pendingJournal(o.journalDir, this.token, o.journalClock)
    const certs = await this.certificates()
    let cert: TokenCertificate | undefined
    let oldDer: Buffer
    let alreadyDone: UkeyError | undefined
    if (journal) {
      const d = journal.data
      cert = certs.find((c) => c.id === d.old.keyId && sha256(c.der) === d.old.certSha256)
      // Once confirmed, the old certificate may already be gone (the removal is cut short): the journal knows it.
      // Journals from before the old certificate was kept in them name the new one (same subject).
      const fromJournal = d.old.certificate ?? d.newCertificate
      if (!cert && !(journal.completed('confirmed') && fromJournal && d.newKeyId)) {
        // The old certificate is gone without a confirmed renewal: not ours to guess. Keep the journal, say so.
        throw new UkeyError('RENEWAL_INTERRUPTED', {
          params: { step: journal.lastCompleted ?? '-', reason: 'TOKEN_NO_CERTIFICATE', journal: journal.file },
          actions: ['action.diagnose9002'],
        })
      }
      oldDer = cert?.der ?? Buffer.from(fromJournal!, 'base64')
    } else {
      cert = chooseCertificate(certs, this.token, this.server, o.certId)
      oldDer = cert.der
      const done = RenewalJournal.load(RenewalJournal.fileFor(o.journalDir, this.token.serial, readCertSummary(cert.der).serial))
      if (done?.data.state === 'done' && done.data.old.certSha256 === sha256(cert.der)) {
        // Thrown once the plan is known (below): the failure document names the certificate and the journal of the renewal already made (issue 15).
        alreadyDone = new UkeyError('RENEWAL_ALREADY_DONE', { params: { when: done.data.entries.at(-1)?.at ?? done.data.createdAt, journal: done.file }, actions: ['action.diagnose0116'] })
      }
    }
    let summary: CertSummary
    try {
      summary = readCertSummary(oldDer)
    } catch (e) {
      throw new UkeyError('CERT_CORRUPT', { params: { source: `token:${this.token.serial}`, detail: String(e) }, cause: e })
    }
    const window = assessWindow({ notBefore: summary.notBefore, notAfter: summary.notAfter }, this.now(), o.ctx.profile.window)
    const oldId = cert?.id ?? journal!.data.old.keyId
    const known: KnownPlan = {
      token: this.token,
      certificate: { id: oldId, label: cert?.label ?? '', summary, sha256: sha256(oldDer) },
      window,
      newKey: null,
      server: this.server.url,
      resume: journal ? { journal: journal.file, after: journal.lastCompleted } : null,
      checks: [],
    }
    const journalKnown = journal ? { journal: journal.file } : {}
    // Known before the new key's kind: when none can be made (SM2, 0124), the failure document still names the certificate (issue 15).
    this.emit({ type: 'known', token: this.token, plan: known, ...journalKnown })
    const { spec, mechanism } = keySpecFor(oldDer)
    const plan: RenewPlan = { ...known, newKey: spec }
    this.emit({ type: 'known', token: this.token, plan, ...journalKnown })
    if (alreadyDone) throw alreadyDone
    // Once the bank has issued, the window no longer matters: the renewal is finishing, not starting.
    const issuedAlready = journal?.completed('certificate-received') ?? false
    if (!issuedAlready && window.state !== 'renewable' && window.state !== 'grace') {
      if (journal) await this.abandon(journal, plan, mechanism, `outside the window (${window.state})`)
      throw windowRefusal(window, summary)
    }

    if (o.dryRun) return this.dryRun(plan)
    this.emit({ type: 'plan', plan })
    if (o.confirm && !(await o.confirm(plan))) return { outcome: 'cancelled', plan, journal: null }

    if (journal) this.emit({ type: 'resume', journal: journal.file, after: journal.lastCompleted })
    const j = journal ?? RenewalJournal.open(o.journalDir, journalInit(this.token, cert!, summary), o.journalClock)
    if (!journal) this.emit({ type: 'known', token: this.token, plan, journal: j.file })
    const state = this.state(j, plan, mechanism, cert?.label ?? '', oldDer)
    await runSteps(KEY_UPDATE_STEPS, state, { journal: j, signal: o.signal ?? new AbortController().signal, emit: this.emit, checkpoint: o.checkpoint })
    j.close('done')
    const issued = state.issued!.certificate
    return {
      outcome: 'renewed',
      plan,
      newCertificate: { id: state.newKeyId!, der: issued, summary: readCertSummary(issued) },
      journal: j.file,
    }
  }

  private state(journal: RenewalJournal, plan: RenewPlan, mechanism: KeyUpdateState['mechanism'], label: string, oldDer: Buffer): KeyUpdateState {
    return {
      session: this.session,
      journal,
      server: this.server,
      transfer: this.transfer,
      now: this.now,
      emit: this.emit,
      login: () => this.login(),
      sleep: this.o.sleep,
      checkpoint: this.o.checkpoint,
      old: { id: plan.certificate.id, der: oldDer, label },
      mechanism,
      newKey: plan.newKey,
      windowState: plan.window.state,
    }
  }

  /** An interrupted renewal that can no longer go on (the window closed before the bank issued): what it added goes. */
  private async abandon(j: RenewalJournal, plan: RenewPlan, mechanism: KeyUpdateState['mechanism'], reason: string): Promise<void> {
    await this.login()
    const s = this.state(j, plan, mechanism, '', Buffer.alloc(0))
    for (const step of [...KEY_UPDATE_STEPS].reverse()) if (j.begun(step.name)) await step.rollback(s)
    j.close('rolled-back', reason)
    this.emit({ type: 'rollback', detail: reason })
  }

  private async dryRun(plan: RenewPlan): Promise<RenewResult> {
    const t = this.token
    const pinOk = t.pin !== 'locked' && (t.pin !== 'final-try' || !!this.o.force)
    const { probeServer } = await import('./probe.js')
    const probe: ServerProbe = await probeServer(this.server, Buffer.from(plan.certificate.summary.der), this.transfer)
    const checks: PlanCheck[] = [
      { name: 'token', ok: true, detail: `${t.serial} ${plan.certificate.id}` },
      { name: 'window', ok: true, detail: plan.window.state },
      { name: 'pin', ok: pinOk, detail: t.pin + (t.pinTriesLeft !== null ? ` (${t.pinTriesLeft})` : '') },
      { name: 'key', ok: true, detail: plan.newKey.algorithm === 'RSA' ? `RSA ${plan.newKey.bits}` : `EC ${plan.newKey.curve}` },
      { name: 'server', ok: probe.reachable && probe.trusted, detail: probe.detail },
    ]
    if (plan.resume) checks.push({ name: 'journal', ok: false, detail: plan.resume.journal })
    return { outcome: 'dry-run', plan: { ...plan, checks }, ready: checks.every((c) => c.ok), journal: null }
  }
}
