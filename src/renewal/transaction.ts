import { createHash, randomBytes, verify as cryptoVerify, X509Certificate } from 'node:crypto'
import { readCertSummary, type CertSummary } from '../cert/summary.js'
import { assessWindow, type WindowAssessment } from '../cert/window.js'
import { UkeyError } from '../errors.js'
import type { KeyAlgorithmSpec, SignMechanism, TokenCertificate, TokenInfo, TokenSelector, TokenSession } from '../hardware/pkcs11/types.js'
import { loginSafely, selectToken, type PinSource, type TokenContext } from '../hardware/tokens.js'
import type { MessageKey } from '../i18n/index.js'
import { checkIssued, confirmCertificate, requestCertificate } from './cmp/client.js'
import { certificateFields } from './cmp/certificate-fields.js'
import { tokenSigner } from './cmp/signer.js'
import type { TransferOptions } from './cmp/transfer.js'
import { RenewalJournal, type JournalRecord, type RenewalStep } from './journal.js'
import { keySpecFor } from './key-spec.js'
import { lockKey } from './lock.js'
import { probeServer, type ServerProbe } from './probe.js'
import { renewalServer, type RenewalServer } from './trust.js'

/**
 * The renewal transaction (DESIGN.md): window → login → new key pair under a
 * fresh CKA_ID → key update request signed by the old key → the answer
 * verified → the new certificate stored beside the new key and proven to sign →
 * confirmed to the bank → only then the old key pair and certificate removed.
 * Each step is journalled before and after it runs; a rerun finds the journal
 * and resumes, or rolls back what the interrupted run had added. Whatever
 * fails, the old credential is the last thing touched.
 */

export type RenewEvent =
  | { type: 'step'; step: RenewalStep; phase: 'begin' | 'end'; ms?: number }
  | { type: 'waiting'; seconds: number; poll: number }
  | { type: 'resume'; journal: string; after: RenewalStep | null }
  | { type: 'rollback'; detail: string }
  | { type: 'plan'; plan: RenewPlan }

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
  now?: () => Date
  sleep?: (ms: number) => Promise<void>
}

export interface PlanCheck {
  name: 'token' | 'window' | 'pin' | 'key' | 'server' | 'journal'
  ok: boolean
  detail: string
}

export interface RenewPlan {
  token: TokenInfo
  certificate: { id: string; label: string; summary: CertSummary; sha256: string }
  window: WindowAssessment
  newKey: KeyAlgorithmSpec
  server: string
  /** An interrupted renewal this run continues. */
  resume: { journal: string; after: RenewalStep | null } | null
  /** What a dry run checked (the window and token checks pass, or the plan would not exist). */
  checks: PlanCheck[]
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

function pendingJournal(dir: string, token: TokenInfo): RenewalJournal | null {
  return RenewalJournal.pending(dir).find((j) => j.data.token.serial === token.serial) ?? null
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

/** The new key signs, and its signature verifies with the new certificate: what the bank's sign-in will need. */
async function proveKey(session: TokenSession, id: string, mechanism: SignMechanism, certificate: Buffer): Promise<string | null> {
  const challenge = randomBytes(32)
  let sig: Buffer
  try {
    sig = await session.sign(id, mechanism, challenge)
  } catch (e) {
    if (e instanceof UkeyError && e.code === 'TOKEN_REMOVED') throw e
    return e instanceof UkeyError ? e.code : String(e)
  }
  const key = new X509Certificate(certificate).publicKey
  const ok = mechanism === 'ECDSA-SHA256'
    ? cryptoVerify('sha256', challenge, { key, dsaEncoding: 'ieee-p1363' }, sig)
    : cryptoVerify('sha256', challenge, key, sig)
  return ok ? null : 'the signature does not verify with the new certificate'
}

export async function renew(o: RenewOptions): Promise<RenewResult> {
  const now = o.now ?? ((): Date => new Date())
  const emit = o.onEvent ?? ((): void => undefined)
  const server = renewalServer(o.ctx.profile, o.serverUrl)
  const transfer: TransferOptions = { ...(server.tlsCa.length ? { ca: server.tlsCa } : {}), ...o.transfer }
  const { tokens } = await o.ctx.provider.listTokens()
  if (tokens.length === 0 && !o.selector.serial && !o.selector.label) {
    throw new UkeyError('TOKEN_NOT_FOUND', { params: { detail: '' }, actions: ['action.diagnose9002'] })
  }
  try {
    const token = selectToken(tokens, o.selector)
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
  const hint = KEY_HINTS[e.code]
  return hint && !e.actions.includes(hint) ? again([...e.actions, hint]) : e
}

class Transaction {
  private journal: RenewalJournal | null = null
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
    await loginSafely(this.session, this.o.pin, { force: this.o.force })
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

  /** Runs one journalled step: begin, the work, end (with what it produced). */
  private async step<T>(step: RenewalStep, work: () => Promise<T>, after?: (r: T) => Parameters<RenewalJournal['end']>[2]): Promise<T> {
    const j = this.journal!
    j.begin(step)
    this.emit({ type: 'step', step, phase: 'begin' })
    const t0 = performance.now()
    let r: T
    try {
      r = await work()
    } catch (e) {
      j.fail(step, e instanceof UkeyError ? e.code : 'INTERNAL')
      throw e
    }
    j.end(step, undefined, after ? after(r) : {})
    this.emit({ type: 'step', step, phase: 'end', ms: Math.round(performance.now() - t0) })
    return r
  }

  /** Removes what this renewal added (the new key pair, its certificate) and closes the journal: the old credential was never touched. */
  private async rollBack(reason: string): Promise<void> {
    const j = this.journal
    if (!j) return
    const newId = j.data.newKeyId
    if (newId && newId !== j.data.old.keyId) await this.session.deleteObjects(newId)
    j.close('rolled-back', reason)
    this.emit({ type: 'rollback', detail: reason })
  }

  /** A failure after the journal opened: the journal stays, the message says where it stopped and that a rerun finishes. */
  private interrupted(step: RenewalStep, e: unknown): UkeyError {
    const cause = e instanceof UkeyError ? e : new UkeyError('INTERNAL', { params: { detail: String(e) }, cause: e })
    return new UkeyError('RENEWAL_INTERRUPTED', {
      params: { step, reason: cause.code, journal: this.journal!.file },
      actions: ['action.renewLater'],
      cause,
    })
  }

  async run(): Promise<RenewResult> {
    const o = this.o
    const journal = pendingJournal(o.journalDir, this.token)
    const certs = await this.certificates()
    let cert: TokenCertificate | undefined
    if (journal) {
      cert = certs.find((c) => c.id === journal!.data.old.keyId && sha256(c.der) === journal!.data.old.certSha256)
      if (!cert && journal.completed('confirmed') && journal.data.newCertificate && journal.data.newKeyId) {
        // Only the removal of the old pair was left, and it happened before the interruption: close the journal.
        return this.finishRemoved(journal)
      } else if (!cert) {
        // The old certificate is gone without a confirmed renewal: not ours to guess. Keep the journal, say so.
        throw new UkeyError('RENEWAL_INTERRUPTED', {
          params: { step: journal.lastCompleted ?? '-', reason: 'TOKEN_NO_CERTIFICATE', journal: journal.file },
          actions: ['action.diagnose9002'],
        })
      }
    }
    if (!cert) {
      cert = chooseCertificate(certs, this.token, this.server, o.certId)
      const done = RenewalJournal.load(RenewalJournal.fileFor(o.journalDir, this.token.serial, readCertSummary(cert.der).serial))
      if (done?.data.state === 'done' && done.data.old.certSha256 === sha256(cert.der)) {
        throw new UkeyError('RENEWAL_ALREADY_DONE', { params: { when: done.data.entries.at(-1)?.at ?? done.data.createdAt }, actions: ['action.diagnose0116'] })
      }
    }
    let summary: CertSummary
    try {
      summary = readCertSummary(cert.der)
    } catch (e) {
      throw new UkeyError('CERT_CORRUPT', { params: { source: `token:${this.token.serial}`, detail: String(e) }, cause: e })
    }
    const window = assessWindow({ notBefore: summary.notBefore, notAfter: summary.notAfter }, this.now(), o.ctx.profile.window)
    const issuedAlready = journal?.completed('certificate-received') ?? false
    // Once the bank has issued, the window no longer matters: the renewal is finishing, not starting.
    if (!issuedAlready && window.state !== 'renewable' && window.state !== 'grace') {
      if (journal) {
        await this.login()
        this.journal = journal
        await this.rollBack(`outside the window (${window.state})`)
      }
      throw windowRefusal(window, summary)
    }
    const { spec, mechanism } = keySpecFor(cert.der)
    const plan: RenewPlan = {
      token: this.token,
      certificate: { id: cert.id, label: cert.label, summary, sha256: sha256(cert.der) },
      window,
      newKey: spec,
      server: this.server.url,
      resume: journal ? { journal: journal.file, after: journal.lastCompleted } : null,
      checks: [],
    }

    if (o.dryRun) return this.dryRun(plan)
    this.emit({ type: 'plan', plan })
    if (o.confirm && !(await o.confirm(plan))) return { outcome: 'cancelled', plan, journal: null }

    if (journal) this.emit({ type: 'resume', journal: journal.file, after: journal.lastCompleted })
    this.journal = journal ?? RenewalJournal.open(o.journalDir, journalInit(this.token, cert, summary))
    const j = this.journal
    if (!journal) {
      j.begin('window-checked', undefined, { server: this.server.url })
      j.end('window-checked', { state: window.state })
      this.emit({ type: 'step', step: 'window-checked', phase: 'end', ms: 0 })
    }
    try {
      await this.step('logged-in', () => this.login())
    } catch (e) {
      if (!journal) j.close('rolled-back', e instanceof UkeyError ? e.code : 'INTERNAL')
      throw e
    }
    return this.continueFrom(plan, cert, mechanism)
  }

  private async continueFrom(plan: RenewPlan, cert: TokenCertificate, mechanism: SignMechanism): Promise<RenewResult> {
    const j = this.journal!
    const s = this.session
    const oldSigner = tokenSigner(s, cert.id, mechanism)

    // 3. The new key pair, or the one an interrupted run generated.
    let newSpki: Buffer | undefined = j.data.newSpki ? Buffer.from(j.data.newSpki, 'base64') : undefined
    if (j.completed('key-generated') && newSpki) {
      const pairs = await s.listKeyPairs()
      if (!pairs.some((p) => p.id === j.data.newKeyId && p.hasPrivateKey)) newSpki = undefined
    } else newSpki = undefined
    if (!newSpki) {
      // The old key must be there to sign the request: without it the bank cannot know the customer (403.7).
      if (!(await s.listKeyPairs()).some((p) => p.id === cert.id && p.hasPrivateKey)) {
        await this.rollBack('CERT_WITHOUT_KEY').catch(() => undefined)
        throw new UkeyError('CERT_WITHOUT_KEY', { params: { id: cert.id }, actions: ['action.diagnose4037'] })
      }
      // A generation cut short may have left half a pair: remove whatever is under the planned id.
      if (j.data.newKeyId && j.data.newKeyId !== cert.id) await s.deleteObjects(j.data.newKeyId)
      const newKeyId = randomBytes(20).toString('hex')
      const label = (await s.listKeyPairs()).find((p) => p.id === cert.id)?.label || cert.label
      j.begin('key-generated', undefined, { newKeyId })
      this.emit({ type: 'step', step: 'key-generated', phase: 'begin' })
      const t0 = performance.now()
      try {
        newSpki = (await s.generateKeyPair(plan.newKey, newKeyId, label)).spki
      } catch (e) {
        j.fail('key-generated', e instanceof UkeyError ? e.code : 'INTERNAL')
        if (e instanceof UkeyError && e.code === 'TOKEN_REMOVED') throw this.interrupted('key-generated', e)
        await this.rollBack('key generation failed').catch(() => undefined)
        throw new UkeyError('RENEWAL_KEYGEN_FAILED', {
          params: { detail: e instanceof UkeyError ? e.code : String(e) },
          actions: ['action.diagnose0124'],
          cause: e,
        })
      }
      j.end('key-generated', undefined, { newSpki: newSpki.toString('base64') })
      this.emit({ type: 'step', step: 'key-generated', phase: 'end', ms: Math.round(performance.now() - t0) })
    }
    const newId = j.data.newKeyId!
    const spki: Buffer = newSpki
    const newSigner = tokenSigner(s, newId, mechanism)

    // 4–5. Request, poll, verify: nothing is written to the key before the answer checks out.
    let certificate: Buffer | undefined = j.data.newCertificate ? Buffer.from(j.data.newCertificate, 'base64') : undefined
    let confirmation = j.data.confirmation
    if (!certificate || !confirmation || !j.completed('certificate-received')) {
      let issued
      try {
        issued = await this.step('request-sent', () =>
          requestCertificate({
            url: this.server.url,
            oldCert: cert.der,
            newSpki: spki,
            signerOld: oldSigner,
            signerNew: newSigner,
            trusted: this.server.trusted,
            transfer: this.transfer,
            now: this.now,
            ...(this.o.sleep ? { sleep: this.o.sleep } : {}),
            onWaiting: (seconds, poll) => this.emit({ type: 'waiting', seconds, poll }),
          }), (r) => ({ transactionId: r.confirmation.transactionID }))
      } catch (e) {
        if (e instanceof UkeyError && e.code === 'TOKEN_REMOVED') throw this.interrupted('request-sent', e)
        // The bank did not issue: the new key is of no use. The old pair was never touched.
        await this.rollBack(e instanceof UkeyError ? e.code : 'INTERNAL').catch(() => undefined)
        throw e
      }
      certificate = issued.certificate
      confirmation = issued.confirmation
      j.begin('certificate-received')
      j.end('certificate-received', { serial: certificateFields(certificate).serial.toString('hex') }, { newCertificate: certificate.toString('base64'), confirmation })
      this.emit({ type: 'step', step: 'certificate-received', phase: 'end', ms: 0 })
    } else {
      // Issued before the interruption: checked again, the CA and the clock may have moved since.
      const problem = checkIssued(certificate, { oldCert: cert.der, newSpki: spki, trusted: this.server.trusted }, this.now())
      if (problem) {
        await this.rollBack(problem)
        throw new UkeyError('RENEWAL_BAD_CERTIFICATE', { params: { detail: problem } })
      }
    }

    const issuedCert: Buffer = certificate
    const pending = confirmation
    // 5. Store beside the new key (once: a crash after the write leaves it there) and prove the pair works.
    if (!j.completed('certificate-stored')) {
      try {
        await this.step('certificate-stored', async () => {
          const present = (await s.listCertificates()).some((c) => c.id === newId && c.der.equals(issuedCert))
          if (!present) await s.storeCertificate(newId, cert.label, issuedCert)
          const problem = await proveKey(s, newId, mechanism, issuedCert)
          if (problem) throw new UkeyError('RENEWAL_NEW_KEY_UNUSABLE', { params: { detail: problem } })
        })
      } catch (e) {
        if (e instanceof UkeyError && e.code === 'RENEWAL_NEW_KEY_UNUSABLE') {
          await this.rollBack(e.code)
          throw e
        }
        throw this.interrupted('certificate-stored', e)
      }
    }

    // 6. Confirm; only then retire the old pair.
    if (!j.completed('confirmed')) {
      try {
        await this.step('confirmed', () =>
          confirmCertificate({ url: this.server.url, oldCert: cert.der, signerOld: oldSigner, trusted: this.server.trusted, transfer: this.transfer, now: this.now }, issuedCert, pending))
      } catch (e) {
        if (e instanceof UkeyError && e.code === 'RENEWAL_REFUSED') {
          // The bank will not record this certificate: it must not replace the old one.
          await this.rollBack(`confirmation refused: ${String(e.params['text'] ?? '')}`)
          throw e
        }
        throw this.interrupted('confirmed', e)
      }
    }
    try {
      await this.step('old-removed', async () => {
        if (cert.id !== newId) await s.deleteObjects(cert.id)
      })
    } catch (e) {
      throw this.interrupted('old-removed', e)
    }
    j.close('done')
    return {
      outcome: 'renewed',
      plan,
      newCertificate: { id: newId, der: issuedCert, summary: readCertSummary(issuedCert) },
      journal: j.file,
    }
  }

  /** The run that was interrupted had done everything but close its journal. */
  private async finishRemoved(j: RenewalJournal): Promise<RenewResult> {
    const der = Buffer.from(j.data.newCertificate!, 'base64')
    const summary = readCertSummary(der)
    // Journals from before the old certificate was kept in them name the new one here.
    const oldDer = j.data.old.certificate ? Buffer.from(j.data.old.certificate, 'base64') : der
    const oldSummary = readCertSummary(oldDer)
    this.emit({ type: 'resume', journal: j.file, after: j.lastCompleted })
    j.end('old-removed', { found: 'already removed' })
    j.close('done')
    const plan: RenewPlan = {
      token: this.token,
      certificate: { id: j.data.old.keyId, label: '', summary: oldSummary, sha256: j.data.old.certSha256 },
      window: assessWindow({ notBefore: oldSummary.notBefore, notAfter: oldSummary.notAfter }, this.now(), this.o.ctx.profile.window),
      newKey: keySpecFor(der).spec,
      server: this.server.url,
      resume: { journal: j.file, after: 'old-removed' },
      checks: [],
    }
    return { outcome: 'renewed', plan, newCertificate: { id: j.data.newKeyId!, der, summary }, journal: j.file }
  }

  private async dryRun(plan: RenewPlan): Promise<RenewResult> {
    const t = this.token
    const pinOk = t.pin !== 'locked' && (t.pin !== 'final-try' || !!this.o.force)
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
