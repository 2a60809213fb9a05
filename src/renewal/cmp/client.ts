import { X509Certificate } from 'node:crypto'
import { UkeyError } from '../../errors.js'
import { certificateFields } from './certificate-fields.js'
import { isCmpError, type CmpError } from './errors.js'
import { certRepBody, pkiConfBody } from './answer-bodies.js'
import type { PKIBody } from './asn1.js'
import { buildCertConf, buildKeyUpdateRequest, buildPollReq, buildProtectedMessage, CERT_REQ_ID, parsePkiMessage, readResponse, responseOf, type CmpResponse, type StatusInfo } from './messages.js'
import { verifyProtection } from './protection.js'
import type { Signer } from './signer.js'
import { postPkiMessage, type TransferOptions } from './transfer.js'
import { answeringStream } from './answering-stream.js'

export interface KeyUpdateOptions {
  /** The bank's CMP endpoint (RFC 6712 HTTP transfer). */
  url: string
  /** The certificate being renewed (DER). */
  oldCert: Buffer
  /** The new key's SubjectPublicKeyInfo (generated on the token). */
  newSpki: Buffer
  /** The old key: signs every request (how the server knows the customer). */
  signerOld: Signer
  /** The new key: signs the proof of possession. */
  signerNew: Signer
  /** The bank CA certificates (DER): responses and the new certificate must chain to them. */
  trusted: Buffer[]
  extraCerts?: Buffer[]
  transfer?: TransferOptions
  /** Stops polling after this many waiting answers (default 20). */
  maxPolls?: number
  /** Told each time the server says "waiting" (a countdown for the person watching). */
  onWaiting?: (checkAfterSeconds: number, poll: number) => void
  sleep?: (ms: number) => Promise<void>
  now?: () => Date
}

export interface KeyUpdateResult {
  /** The new certificate, checked: the new key, the old subject, issued by a trusted CA, valid now. */
  certificate: Buffer
  caPubs: Buffer[]
  extraCerts: Buffer[]
}

/**
 * The FAQ code a refusal stands for (FAQ 12, 13): a code in the server's text
 * first, then the failure bits, then the words of a standard CMP server's text
 * (OpenSSL's mock and CAs built on it say "no suitable sender cert" with only
 * badRequest set). The FAQ's 403.7 is "the request is not signed by a valid
 * client certificate"; its 0116 is "not eligible, or already renewed".
 */
export function faqCodeOf(status: StatusInfo): '0116' | '403.7' | null {
  const text = status.text.join(' ')
  const m = /(?:^|\D)(0116|403\.7)(?:\D|$)/.exec(text)
  if (m) return m[1] as '0116' | '403.7'
  const bits = new Set(status.failInfo)
  if (SIGNER_BITS.some((b) => bits.has(b))) return '403.7'
  if (ELIGIBILITY_BITS.some((b) => bits.has(b))) return '0116'
  if (/no suitable sender cert|sender.*not (?:trusted|authori[sz]ed)|signature.*(?:invalid|verif)/i.test(text)) return '403.7'
  if (/already|revoked|not eligible/i.test(text)) return '0116'
  // badRequest alone: RFC 4210's "transaction not permitted or supported"; OpenSSL's server sets it when it cannot authenticate the request.
  if (bits.has('badRequest')) return '403.7'
  return null
}

/** RFC 4210 5.2.3 PKIFailureInfo bits that say the request's signer was not accepted. */
const SIGNER_BITS = ['notAuthorized', 'badMessageCheck', 'signerNotTrusted', 'wrongIntegrity'] as const
/** …and those that say this certificate cannot be renewed (again, now). */
const ELIGIBILITY_BITS = ['duplicateCertReq', 'transactionIdInUse', 'certRevoked', 'badTime', 'certConfirmed'] as const

/**
 * `continuing`: the refusal answers a message inside a transaction (pollReq,
 * certConf). There, badRequest alone ("transaction not permitted or supported",
 * RFC 4210 5.2.3) means the server no longer knows the transaction — restarted,
 * or it expired — not a verdict on the customer: a new transaction can succeed.
 */
function refused(status: StatusInfo, continuing = false): UkeyError {
  const text = status.text.join(' ').slice(0, 300)
  const badRequestOnly = status.failInfo.length === 1 && status.failInfo[0] === 'badRequest'
  if (continuing && badRequestOnly && faqCodeOf({ ...status, failInfo: [] }) === null) {
    return new UkeyError('RENEWAL_TRANSACTION_LOST', { params: { text: text || 'badRequest' } })
  }
  const code = faqCodeOf(status)
  return new UkeyError('RENEWAL_REFUSED', {
    key: code === '0116' ? 'error.RENEWAL_REFUSED_0116' : code === '403.7' ? 'error.RENEWAL_REFUSED_4037' : 'error.RENEWAL_REFUSED',
    params: { faq: code ?? '', text: text || status.failInfo.join(', ') || status.status },
    actions: code === '0116' ? ['action.diagnose0116'] : code === '403.7' ? ['action.diagnose4037'] : ['action.callBank'],
  })
}

/** Transport and protocol failures: nothing was installed; the old certificate still works. */
function unavailable(e: unknown): UkeyError {
  if (e instanceof UkeyError) return e
  const detail = isCmpError(e) ? `${e.reason}: ${e.detail}` : e instanceof Error ? e.message : String(e)
  // reason: what the screen says (the catalogue's reason.*); detail: the technical text, for --verbose and JSON.
  const reason = isCmpError(e) ? (e.reason === 'transport' && /^E[A-Z]+$/.test(e.detail) ? e.detail : e.reason) : 'other'
  return new UkeyError('RENEWAL_UNAVAILABLE', { params: { detail: detail.slice(0, 200), reason }, cause: e })
}

/**
 * What makes an issued certificate installable (DESIGN.md "renewal transaction"):
 * it carries the new key and the old subject, a trusted CA signed it, and it is
 * valid now. Returns the reason it is not, or null.
 */
export function checkIssued(cert: Buffer, o: Pick<KeyUpdateOptions, 'oldCert' | 'newSpki' | 'trusted'>, now: Date): string | null {
  let fields
  try {
    fields = certificateFields(cert)
  } catch {
    return 'not a certificate'
  }
  if (!fields.spki.equals(o.newSpki)) return 'certificate is not for the new key'
  if (!fields.subject.equals(certificateFields(o.oldCert).subject)) return 'certificate is for another subject'
  let x: X509Certificate
  try {
    x = new X509Certificate(cert)
  } catch {
    return 'certificate cannot be read'
  }
  const signedByTrusted = o.trusted.some((ca) => {
    try {
      const c = new X509Certificate(ca)
      return x.checkIssued(c) && x.verify(c.publicKey)
    } catch {
      return false
    }
  })
  if (!signedByTrusted) return 'certificate is not issued by the bank CA'
  if (now < new Date(x.validFrom) || now > new Date(x.validTo)) return 'certificate is not valid now'
  return null
}

/** What confirming (or rejecting) an issued certificate needs: serialisable, so a rerun can confirm after a crash. */
export interface PendingConfirmation {
  /** Hex. */
  transactionID: string
  /** Hex: the server's senderNonce in its last answer, echoed as recipNonce. */
  recipNonce: string
}

export interface IssuedCertificate extends KeyUpdateResult {
  confirmation: PendingConfirmation
}

type ConfirmOptions = Pick<KeyUpdateOptions, 'url' | 'oldCert' | 'signerOld' | 'trusted' | 'extraCerts' | 'transfer' | 'now'>

function exchanger(o: ConfirmOptions): (der: Buffer, ids: { transactionID: Buffer; senderNonce: Buffer }, continuing?: boolean) => Promise<CmpResponse> {
  const now = o.now ?? (() => new Date())
  return async (der, ids, continuing = false) => {
    let answer: Buffer
    try {
      answer = await postPkiMessage(o.url, der, o.transfer ?? {})
    } catch (e) {
      throw unavailable(e)
    }
    try {
      return responseOf(verifyProtection(answer, { trusted: o.trusted, now: now(), expect: { transactionID: ids.transactionID, recipNonce: ids.senderNonce } }).message)
    } catch (e) {
      // An error answer the CA did not sign still says why (e.g. the request was not authenticated):
      // read it for the message, never trust it for anything else. But one signed by a
      // stranger is not the bank speaking: its 403.7 or 0116 would send the technician
      // down the wrong remedy, while the profile is what is wrong (retrying cannot help).
      let said: string | undefined
      if (isCmpError(e)) {
        try {
          const res = readResponse(answer)
          if (res.kind === 'error' && e.reason !== 'untrusted-signer') throw refused(res.status, continuing)
          // A stranger's refusal, as an error body or a rejected certificate response: quoted, not believed.
          const status = res.kind === 'error' || ((res.kind === 'kup' || res.kind === 'ip' || res.kind === 'cp') && res.status.status === 'rejection') ? res.status : undefined
          if (status) said = status.text.join(' ') || status.failInfo.join(', ') || status.status
        } catch (inner) {
          if (inner instanceof UkeyError) throw inner
        }
      }
      if (isCmpError(e) && e.reason === 'untrusted-signer') throw notTheBank(e, said)
      throw unavailable(e)
    }
  }
}

/**
 * An answer whose signer does not chain to the profile's CA certificates: the
 * URL or the CA certificates in the profile are not the bank's (or someone is
 * in between). Asking again gets the same answer, so it is a refusal (exit 30),
 * not "try later".
 */
function notTheBank(e: CmpError, said?: string): UkeyError {
  const detail = said ? `${e.detail}; it refused with: ${said}` : e.detail
  return new UkeyError('RENEWAL_SERVER_UNTRUSTED', { params: { detail: detail.slice(0, 300) }, actions: ['action.checkProfile'], cause: e })
}

const common = (o: ConfirmOptions): { oldCert: Buffer; signerOld: Signer; extraCerts?: Buffer[] } => ({
  oldCert: o.oldCert,
  signerOld: o.signerOld,
  ...(o.extraCerts ? { extraCerts: o.extraCerts } : {}),
})

/**
 * CMP key update, first half (RFC 4210 / RFC 9483 4.1.3): kur → (poll while
 * waiting) → kup, the certificate checked. Every response's protection is
 * verified against the bank CA before it is read. A refusal becomes
 * RENEWAL_REFUSED carrying the FAQ code (0116, 403.7); a certificate ukey will
 * not install is rejected to the server in certConf and never returned. The
 * caller stores an accepted certificate, then confirms it (`confirmCertificate`),
 * so the server never records a renewal whose certificate is not on the key.
 */
export async function requestCertificate(o: KeyUpdateOptions): Promise<IssuedCertificate> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
  const now = o.now ?? (() => new Date())
  const exchange = exchanger(o)

  const kur = await buildKeyUpdateRequest({ ...common(o), newSpki: o.newSpki, signerNew: o.signerNew })
  const ids = { transactionID: kur.transactionID }
  let res = await exchange(kur.der, kur)
  let polls = 0
  while (res.kind === 'pollRep' || (res.kind !== 'error' && res.kind !== 'pkiConf' && res.status.status === 'waiting')) {
    if (++polls > (o.maxPolls ?? 20)) throw new UkeyError('RENEWAL_UNAVAILABLE', { params: { detail: 'the server kept answering "waiting"', reason: 'waiting' } })
    const checkAfter = res.kind === 'pollRep' ? res.checkAfter : 1
    o.onWaiting?.(checkAfter, polls)
    if (res.kind === 'pollRep') await sleep(Math.min(checkAfter, 300) * 1000)
    const poll = await buildPollReq({ ...common(o), ...ids, recipNonce: res.header.senderNonce! })
    res = await exchange(poll.der, poll, true)
  }
  if (res.kind === 'error') throw refused(res.status, polls > 0)
  if (res.kind !== 'kup' && res.kind !== 'ip' && res.kind !== 'cp') throw unavailable(new Error(`unexpected ${res.kind}`))
  if (res.status.status !== 'accepted' && res.status.status !== 'grantedWithMods') throw refused(res.status)
  if (!res.certificate) throw unavailable(new Error('accepted without a certificate'))

  const confirmation = { transactionID: ids.transactionID.toString('hex'), recipNonce: res.header.senderNonce!.toString('hex') }
  const problem = checkIssued(res.certificate, o, now())
  if (problem) {
    await rejectCertificate(o, res.certificate, confirmation, problem).catch(() => undefined)
    throw new UkeyError('RENEWAL_BAD_CERTIFICATE', { params: { detail: problem } })
  }
  return { certificate: res.certificate, caPubs: res.caPubs, extraCerts: res.extraCerts, confirmation }
}

/** certConf "accepted" → pkiConf: the server records the renewal. Safe to repeat after a crash (same transaction). */
export async function confirmCertificate(o: ConfirmOptions, certificate: Buffer, c: PendingConfirmation): Promise<void> {
  const conf = await buildCertConf({
    ...common(o),
    transactionID: Buffer.from(c.transactionID, 'hex'),
    recipNonce: Buffer.from(c.recipNonce, 'hex'),
    certificate,
  })
  const done = await exchanger(o)(conf.der, conf, true)
  if (done.kind === 'error') throw refused(done.status, true)
  if (done.kind !== 'pkiConf') throw unavailable(new Error(`expected pkiConf, got ${done.kind}`))
}

/** certConf "rejection": tells the server the certificate will not be used (it may revoke it). */
export async function rejectCertificate(o: ConfirmOptions, certificate: Buffer, c: PendingConfirmation, reason: string): Promise<void> {
  const conf = await buildCertConf({
    ...common(o),
    transactionID: Buffer.from(c.transactionID, 'hex'),
    recipNonce: Buffer.from(c.recipNonce, 'hex'),
    certificate,
    rejection: { failInfo: ['badCertTemplate'], text: reason },
  })
  await exchanger(o)(conf.der, conf)
}

/** Both halves at once, for callers with nothing to store in between (tests, the lab). */
export async function requestKeyUpdate(o: KeyUpdateOptions): Promise<KeyUpdateResult> {
  const issued = await requestCertificate(o)
  await confirmCertificate(o, issued.certificate, issued.confirmation)
  return { certificate: issued.certificate, caPubs: issued.caPubs, extraCerts: issued.extraCerts }
}

// Only a name for the request line: the rehearsal's connection is a stream (answering-stream.ts).
// An address, not a host name, so that not even a name lookup could leave the machine.
const REHEARSAL_URL = 'http://127.0.0.1:9/'

/**
 * The exchange's own code run once on throwaway inputs, while the token
 * generates the new key (tenths of a second to minutes in which the event loop
 * is idle): the first run of the ASN.1 encoders and parsers, the protection
 * check and the certificate check is mostly V8 compiling them (~20 ms,
 * bench/renew), so it is done then, off the critical path. The rehearsal builds
 * a kur and a certConf, and the kup and pkiConf a server would answer, posts
 * the kur through the HTTP client to a stream that answers the kup, and reads
 * them back. Nothing is sent, nothing is signed on the token (the signer
 * returns filler, so no check passes), and every outcome is ignored.
 */
export async function rehearseExchange(o: Pick<KeyUpdateOptions, 'oldCert' | 'trusted'> & { algorithm: Signer['algorithm'] }, now: Date): Promise<void> {
  const filler: Signer = { algorithm: o.algorithm, sign: async () => Buffer.alloc(o.algorithm === 'ECDSA-SHA256' ? 64 : 256, 1) }
  const old = certificateFields(o.oldCert)
  const kur = await buildKeyUpdateRequest({ oldCert: o.oldCert, signerOld: filler, signerNew: filler, newSpki: old.spki })
  const conf = await buildCertConf({ oldCert: o.oldCert, signerOld: filler, transactionID: kur.transactionID, recipNonce: kur.senderNonce, certificate: o.oldCert })
  const ca = o.trusted[0] ? certificateFields(o.trusted[0]).subject : old.issuer
  const answer = (body: PKIBody): Promise<Buffer> =>
    buildProtectedMessage({ sender: ca, recipient: old.subject, signer: filler, extraCerts: o.trusted.slice(0, 1), transactionID: kur.transactionID, senderNonce: conf.senderNonce, recipNonce: kur.senderNonce, messageTime: now }, body)
  const kup = await answer(certRepBody(CERT_REQ_ID, 'accepted', [], undefined, o.oldCert))
  // The HTTP client too, over a stream that answers the kup above: nothing is sent.
  const body = await postPkiMessage(REHEARSAL_URL, kur.der, { connection: () => answeringStream(kup) })
  if (!body.equals(kup)) throw new Error('rehearsal: the answer came back altered')
  for (const der of [kur.der, kup, await answer(pkiConfBody())]) {
    try {
      verifyProtection(der, { trusted: o.trusted, now, expect: { transactionID: kur.transactionID, recipNonce: kur.senderNonce } })
    } catch {
      // The filler signature cannot verify: expected.
    }
    try {
      responseOf(parsePkiMessage(der))
    } catch {
      // A kur is not an answer: expected.
    }
  }
  checkIssued(o.oldCert, { oldCert: o.oldCert, newSpki: old.spki, trusted: o.trusted }, now)
}
