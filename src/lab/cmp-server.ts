// The lab's CMP server (issue 5, item 4): the lab CA answering key update
// requests over HTTP (RFC 6712) on 127.0.0.1. It checks what a bank's CA
// checks — the request is signed by a client certificate of its own (else a
// refusal carrying "403.7"), the certificate is in its renewal window and not
// already renewed (else "0116 …"), the new key proves possession (RFC 4211
// 4.1) — then issues a certificate with the old subject and the new key.
// Every answer is signed by the lab CA's key, the CA certificate as sender.
// Not a bank: a test double that really issues.

import { createHash, createPublicKey, generateKeyPairSync, randomBytes, verify as cryptoVerify, X509Certificate } from 'node:crypto'
import { AsnConvert } from '@peculiar/asn1-schema'
import { assessWindow, type WindowPolicy } from '../cert/window.js'
import {
  CertifiedKeyPair,
  CertOrEncCert,
  CertRepMessage,
  CertResponse,
  CertResponses,
  CertId,
  decode,
  ErrorMsgContent,
  PKIBody,
  PKIFreeText,
  PollRep,
  PollRepContent,
  type PKIFailureName,
  type PKIMessage,
  type PKIStatusName,
} from '../renewal/cmp/asn1.js'
import { certificateFields, type CertificateFields } from '../renewal/cmp/certificate-fields.js'
import { CmpError } from '../renewal/cmp/errors.js'
import { buildProtectedMessage, buildStatusInfo, certHash, OID_REG_CTRL_OLD_CERT_ID, parsePkiMessage, toArrayBuffer } from '../renewal/cmp/messages.js'
import { verifyProtection } from '../renewal/cmp/protection.js'
import { SIGNATURE_ALGORITHMS, softwareSigner, spkiOf, type Signer } from '../renewal/cmp/signer.js'
import { issueCertificate, type LabCa } from './ca.js'
import { certReqBytes, nameOfGeneralName } from './cmp-der.js'
import { RenewalStore } from './cmp-store.js'
import { issueRenewal } from './renewal-issuer.js'
import { listenCmp, type CmpHttpServer } from './cmp-http.js'

const DAY = 86_400_000
/** How far a request's messageTime may be from the server's clock (RFC 9483 3.5 leaves it to policy). */
const MAX_SKEW_S = 600
/** Open transactions kept in memory; the oldest are dropped beyond this, and any idle this long. */
const MAX_TRANSACTIONS = 1000
const TRANSACTION_TTL_MS = 10 * 60_000
/** The subject of the server's signing certificate. */
export const LAB_CMP_SERVER_NAME = 'C=CN,O=ukey lab,CN=ukey lab CMP server (not a bank)'

export interface LabCmpServerOptions {
  ca: LabCa
  policy: WindowPolicy
  /** Where issued renewals are recorded (JSON), so "already renewed" survives a restart. */
  stateFile: string
  /** The clock; defaults to the system's. */
  now?: () => Date
  /** How many times a key update is answered "not yet" (waiting, then pollRep) before the certificate. */
  waitingCount?: number
  /** One entry per message handled: no keys, no certificates. */
  log?: (entry: LogEntry) => void
  /**
   * A CA gone wrong, for fault tests: issues for another key or another subject
   * than the request's. A client must refuse such a certificate.
   */
  misissue?: 'other-key' | 'other-subject'
}

export interface LogEntry {
  /** Hex of the transactionID's first 4 bytes, or '-' when unreadable. */
  tid: string
  /** The request body: kur, certConf, pollReq, … or 'malformed'. */
  kind: string
  /** The answer: 'kup accepted', 'waiting', 'pollRep', 'pkiConf', or 'rejected: <status string>'. */
  outcome: string
}

export interface LabCmpServer {
  /** Answers one PKIMessage with one PKIMessage (a refusal is a message too); rejects only if nothing can be signed. */
  handle(der: Buffer): Promise<Buffer>
  /** Serves `handle` over HTTP on `host` (default 127.0.0.1), `port` (default 0: any free port). */
  listen(host?: string, port?: number): Promise<CmpHttpServer>
}

interface Transaction {
  oldCert: CertificateFields
  oldSerialHex: string
  certReqId: number
  newSpki: Buffer
  pollsLeft: number
  certificate: Buffer | undefined
  touched: number
  /** The senderNonce of the server's last answer: the next request's recipNonce must echo it. */
  lastNonce: Buffer | undefined
}

/** A refusal: the status the client reads, answered in the request's own kind (kup) or as an error message. */
class Refusal extends Error {
  constructor(
    readonly failInfo: PKIFailureName[],
    readonly text: string,
    readonly as: 'error' | 'kup' = 'error',
  ) {
    super(text)
  }
}

const serialHexOf = (f: CertificateFields): string => f.serial.toString('hex').replace(/^(00)+(?=.)/, '')

function randomSerialHex(): string {
  const b = randomBytes(16)
  b[0] = (b[0]! & 0x7f) | 0x10 // positive, 16 bytes, no leading zero octet
  return b.toString('hex')
}

export function createLabCmpServer(options: LabCmpServerOptions): LabCmpServer {
  const clock = options.now ?? ((): Date => new Date())
  const caDer = new X509Certificate(options.ca.certPem).raw
  // The answers are signed by a server certificate of the lab CA's, not by the CA certificate itself:
  // OpenSSL's client requires digitalSignature in the signer's key usage, which a CA certificate
  // (keyCertSign, cRLSign) lacks. A fresh key each start; the CA certificate follows it in extraCerts.
  const responder = makeResponder(options.ca, clock())
  responder.catch(() => undefined) // reported by the first answer that needs it
  const store = new RenewalStore(options.stateFile)
  const transactions = new Map<string, Transaction>()
  const waitingCount = Math.max(0, Math.trunc(options.waitingCount ?? 0))
  const log = options.log ?? ((): void => undefined)

  function sweep(now: number): void {
    for (const [k, t] of transactions) if (now - t.touched > TRANSACTION_TTL_MS) transactions.delete(k)
    while (transactions.size > MAX_TRANSACTIONS) transactions.delete(transactions.keys().next().value!)
  }

  /** Signs an answer echoing the request's transaction and nonce. */
  function answer(req: PKIMessage | undefined, body: PKIBody, senderNonce: Buffer = randomBytes(16)): Promise<Buffer> {
    const h = req?.header
    const recipient = (h && nameOfGeneralName(Buffer.from(h.sender))) ?? Buffer.from([0x30, 0x00])
    const tid = h?.transactionID ? Buffer.from(h.transactionID) : randomBytes(16)
    return responder.then(({ fields, signer }) => buildProtectedMessage(
      {
        sender: fields.subject,
        recipient,
        signer,
        extraCerts: [fields.der, caDer],
        ...(fields.subjectKeyId ? { senderKID: fields.subjectKeyId } : {}),
        transactionID: tid,
        senderNonce,
        ...(h?.senderNonce ? { recipNonce: Buffer.from(h.senderNonce) } : {}),
        messageTime: clock(),
      },
      body,
    ))
  }

  function errorBody(failInfo: PKIFailureName[], text: string, status: PKIStatusName = 'rejection'): PKIBody {
    const e = new ErrorMsgContent()
    e.pKIStatusInfo = buildStatusInfo(status, failInfo, text)
    e.errorDetails = new PKIFreeText([text])
    const body = new PKIBody()
    body.error = e
    return body
  }

  function certRepBody(certReqId: number, status: PKIStatusName, failInfo: PKIFailureName[] = [], text?: string, certificate?: Buffer): PKIBody {
    const r = new CertResponse()
    r.certReqId = certReqId
    r.status = buildStatusInfo(status, failInfo, text)
    if (certificate) {
      const coe = new CertOrEncCert()
      coe.certificate = toArrayBuffer(certificate)
      const ckp = new CertifiedKeyPair()
      ckp.certOrEncCert = coe
      r.certifiedKeyPair = ckp
    }
    const rep = new CertRepMessage()
    rep.response = new CertResponses([r])
    const body = new PKIBody()
    body.kup = rep
    return body
  }

  /**
   * The request's protection, by a client certificate the lab CA issued. A
   * certificate in its grace period has expired, yet may still renew: an
   * expired (or not yet valid) signer is checked as of its notAfter (notBefore),
   * messageTime against the clock, and the window check that follows (kur)
   * refuses it with 0116 when it is outside the window — the bank's answer,
   * rather than 403.7.
   */
  function verifyClient(der: Buffer, msg: PKIMessage, now: Date): CertificateFields {
    const senderName = nameOfGeneralName(Buffer.from(msg.header.sender))
    const claimed = (msg.extraCerts ? [...msg.extraCerts] : [])
      .map((c) => {
        try {
          return { f: certificateFields(Buffer.from(c)), x: new X509Certificate(Buffer.from(c)) }
        } catch {
          return undefined
        }
      })
      .find((c) => c && senderName && c.f.subject.equals(senderName))
    let at = now
    if (claimed) {
      const notBefore = new Date(claimed.x.validFrom)
      const notAfter = new Date(claimed.x.validTo)
      if (now > notAfter) at = notAfter
      else if (now < notBefore) at = notBefore
    }
    let signer: Buffer
    try {
      const v = verifyProtection(der, { trusted: [caDer], now: at, maxClockSkewSeconds: Number.MAX_SAFE_INTEGER })
      if (v.chain.length !== 2) throw new CmpError('untrusted-signer', 'signer certificate is not issued by the lab CA directly')
      signer = v.signer
    } catch (e) {
      if (!(e instanceof CmpError)) throw e
      switch (e.reason) {
        case 'bad-protection':
          throw new Refusal(['badMessageCheck'], `403.7 ${e.detail}`)
        case 'unprotected':
          throw new Refusal(['badMessageCheck', 'notAuthorized'], '403.7 request is not signed by a client certificate')
        case 'untrusted-signer':
          throw new Refusal(['notAuthorized', 'signerNotTrusted'], `403.7 ${e.detail}`)
        case 'unsupported':
          throw new Refusal(['notAuthorized', 'badAlg'], `403.7 ${e.detail} (a client certificate signature is required)`)
        case 'transaction-mismatch':
          throw new Refusal(['badRequest'], e.detail)
        default:
          throw new Refusal(['badDataFormat'], e.detail)
      }
    }
    const time = msg.header.messageTime
    if (time && Math.abs(time.getTime() - now.getTime()) / 1000 > MAX_SKEW_S) {
      throw new Refusal(['badTime'], `messageTime ${time.toISOString()} is more than ${MAX_SKEW_S} s from the server's clock`)
    }
    if (msg.header.pvno !== 2 && msg.header.pvno !== 3) throw new Refusal(['unsupportedVersion'], `pvno ${msg.header.pvno}`)
    return certificateFields(signer)
  }

  async function keyUpdate(der: Buffer, msg: PKIMessage, tidHex: string, now: Date): Promise<{ body: PKIBody; outcome: string }> {
    const reqs = [...(msg.body.kur ?? [])]
    const first = reqs[0]
    if (!first) throw new Refusal(['badDataFormat'], 'kur without a request')
    if (reqs.length > 1) throw new Refusal(['badRequest'], 'one certificate request per kur')
    const certReqId = first.certReq.certReqId
    if (transactions.has(tidHex)) throw new Refusal(['transactionIdInUse'], 'transactionID already in use')
    const old = verifyClient(der, msg, now)
    const refuse = (failInfo: PKIFailureName[], text: string): never => {
      throw new Refusal(failInfo, text, 'kup')
    }
    // The certificate to renew is the one that signed, and the oldCertID control, when present, names it.
    const oldCertId = first.certReq.controls ? [...first.certReq.controls].find((c) => c.type === OID_REG_CTRL_OLD_CERT_ID) : undefined
    if (oldCertId) {
      let id: CertId
      try {
        id = decode(Buffer.from(oldCertId.value), CertId)
      } catch {
        return refuse(['badDataFormat'], 'oldCertID control')
      }
      const issuer = nameOfGeneralName(Buffer.from(id.issuer))
      const serial = Buffer.from(id.serialNumber).toString('hex').replace(/^(00)+(?=.)/, '')
      if (!issuer?.equals(old.issuer) || serial !== serialHexOf(old)) refuse(['badCertId', 'notAuthorized'], '403.7 oldCertID is not the certificate that signed the request')
    }
    const oldX = new X509Certificate(old.der)
    const validity = { notBefore: new Date(oldX.validFrom), notAfter: new Date(oldX.validTo) }
    const window = assessWindow(validity, now, options.policy)
    if (window.state !== 'renewable' && window.state !== 'grace') {
      const when = window.state === 'valid' ? `opens ${window.opens.toISOString()}` : window.state === 'lapsed' ? `closed ${window.closes.toISOString()}` : 'certificate not yet valid'
      refuse(['notAuthorized'], `0116 not in the renewal period (${when})`)
    }
    const oldSerialHex = serialHexOf(old)
    if (store.has(oldSerialHex)) refuse(['duplicateCertReq', 'notAuthorized'], '0116 already renewed')

    // Proof of possession (RFC 4211 4.1): the new key signed the CertRequest as sent.
    const tpl = first.certReq.certTemplate
    if (!tpl.publicKey) return refuse(['badCertTemplate'], 'template without a public key')
    const newSpki = Buffer.from(AsnConvert.serialize(tpl.publicKey))
    if (newSpki.equals(old.spki)) refuse(['badCertTemplate'], 'the new key is the old key')
    const sig = first.popo?.signature
    if (!sig) return refuse(['badPOP'], 'proof of possession by signature required')
    const alg = SIGNATURE_ALGORITHMS[sig.algorithmIdentifier.algorithm]
    if (!alg) return refuse(['badAlg', 'badPOP'], `POP algorithm ${sig.algorithmIdentifier.algorithm}`)
    let popOk = false
    try {
      const key = createPublicKey({ key: newSpki, format: 'der', type: 'spki' })
      popOk = key.asymmetricKeyType === alg.key && sig.signature.unusedBits === 0 &&
        cryptoVerify(alg.hash, certReqBytes(der), { key, dsaEncoding: 'der' }, Buffer.from(sig.signature.value))
    } catch {
      popOk = false
    }
    if (!popOk) refuse(['badPOP'], 'proof of possession does not verify with the new public key')

    const tx: Transaction = { oldCert: old, oldSerialHex, certReqId, newSpki, pollsLeft: waitingCount, certificate: undefined, touched: now.getTime(), lastNonce: undefined }
    transactions.set(tidHex, tx)
    sweep(now.getTime())
    if (tx.pollsLeft > 0) {
      tx.pollsLeft--
      return { body: certRepBody(certReqId, 'waiting'), outcome: 'waiting' }
    }
    return issue(tx, now)
  }

  async function issue(tx: Transaction, now: Date): Promise<{ body: PKIBody; outcome: string }> {
    const oldX = new X509Certificate(tx.oldCert.der)
    const span = new Date(oldX.validTo).getTime() - new Date(oldX.validFrom).getTime()
    const misissue = options.misissue
    tx.certificate ??= await issueRenewal(options.ca, {
      spki: misissue === 'other-key' ? spkiOf(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey) : tx.newSpki,
      subjectDer: misissue === 'other-subject' ? (await responder).fields.subject : tx.oldCert.subject,
      serialHex: randomSerialHex(),
      notBefore: new Date(Math.floor(now.getTime() / 1000) * 1000),
      notAfter: new Date(now.getTime() + (span > 0 ? span : 365 * DAY)),
    })
    return { body: certRepBody(tx.certReqId, 'accepted', [], undefined, tx.certificate), outcome: 'kup accepted' }
  }

  function transactionOf(tidHex: string, msg: PKIMessage, old: CertificateFields): Transaction {
    const tx = transactions.get(tidHex)
    if (!tx) throw new Refusal(['badRequest'], 'unknown transaction')
    if (!tx.oldCert.der.equals(old.der)) throw new Refusal(['notAuthorized'], '403.7 signed by another certificate than the transaction\'s')
    const recipNonce = msg.header.recipNonce ? Buffer.from(msg.header.recipNonce) : undefined
    if (tx.lastNonce && !recipNonce?.equals(tx.lastNonce)) throw new Refusal(['badRecipientNonce'], 'recipNonce is not the server\'s last senderNonce')
    return tx
  }

  async function poll(der: Buffer, msg: PKIMessage, tidHex: string, now: Date): Promise<{ body: PKIBody; outcome: string }> {
    const tx = transactionOf(tidHex, msg, verifyClient(der, msg, now))
    tx.touched = now.getTime()
    if (tx.certificate === undefined && tx.pollsLeft > 0) {
      tx.pollsLeft--
      const pr = new PollRep()
      pr.certReqId = tx.certReqId
      pr.checkAfter = 1
      pr.reason = new PKIFreeText(['lab: the CA is "busy" (--waiting)'])
      const body = new PKIBody()
      body.pollRep = new PollRepContent([pr])
      return { body, outcome: 'pollRep' }
    }
    return issue(tx, now)
  }

  async function confirm(der: Buffer, msg: PKIMessage, tidHex: string, now: Date): Promise<{ body: PKIBody; outcome: string }> {
    const client = verifyClient(der, msg, now)
    const repeat = repeatedConfirmation(msg, client, tidHex)
    if (repeat) return repeat
    const tx = transactionOf(tidHex, msg, client)
    if (!tx.certificate) throw new Refusal(['badRequest'], 'certConf before the certificate was issued')
    const statuses = [...(msg.body.certConf ?? [])]
    const cs = statuses[0]
    if (!cs || statuses.length > 1) throw new Refusal(['badRequest'], 'certConf must confirm exactly one certificate')
    if (cs.certReqId !== tx.certReqId || !Buffer.from(cs.certHash).equals(hashFor(tx.certificate, cs.hashAlg?.algorithm))) {
      throw new Refusal(['badCertId'], 'certConf does not match the issued certificate')
    }
    transactions.delete(tidHex)
    const pkiConf = new PKIBody()
    pkiConf.pkiconf = null
    if (cs.statusInfo && cs.statusInfo.status !== 0) return { body: pkiConf, outcome: 'pkiConf (client refused the certificate; not recorded)' }
    if (store.has(tx.oldSerialHex)) throw new Refusal(['duplicateCertReq', 'notAuthorized'], '0116 already renewed')
    const issued = certificateFields(tx.certificate)
    await store.record(tx.oldSerialHex, {
      renewedAt: now.toISOString(),
      newSerial: serialHexOf(issued),
      transactionId: tidHex,
      certHash: Buffer.from(cs.certHash).toString('hex'),
    })
    return { body: pkiConf, outcome: 'pkiConf (renewal recorded)' }
  }

  /**
   * A client that crashed after sending certConf cannot know whether it arrived:
   * it confirms again. The same transaction confirming the same certificate is
   * answered pkiConf again (idempotent), never "0116 already renewed".
   */
  function repeatedConfirmation(msg: PKIMessage, client: CertificateFields, tidHex: string): { body: PKIBody; outcome: string } | null {
    if (transactions.has(tidHex)) return null
    const record = store.get(serialHexOf(client))
    const cs = [...(msg.body.certConf ?? [])][0]
    if (!record || record.transactionId !== tidHex || !cs || Buffer.from(cs.certHash).toString('hex') !== record.certHash) return null
    const pkiConf = new PKIBody()
    pkiConf.pkiconf = null
    return { body: pkiConf, outcome: 'pkiConf (repeated confirmation; already recorded)' }
  }

  async function handle(der: Buffer): Promise<Buffer> {
    const now = clock()
    let msg: PKIMessage | undefined
    let kind = 'malformed'
    let tid = '-'
    try {
      try {
        msg = parsePkiMessage(der)
      } catch (e) {
        if (e instanceof CmpError) {
          kind = e.reason === 'unsupported' ? 'unsupported' : 'malformed'
          throw new Refusal(e.reason === 'unsupported' ? ['badRequest'] : ['badDataFormat'], e.reason === 'unsupported' ? `not served here: ${e.detail}` : 'malformed PKIMessage')
        }
        throw e
      }
      const tidBuf = msg.header.transactionID ? Buffer.from(msg.header.transactionID) : undefined
      tid = tidBuf ? tidBuf.subarray(0, 4).toString('hex') : '-'
      const b = msg.body
      kind = b.kur ? 'kur' : b.pollReq ? 'pollReq' : b.certConf ? 'certConf' : b.ir ? 'ir' : b.cr ? 'cr' : b.error ? 'error' : 'response'
      if (!tidBuf || tidBuf.length < 1) throw new Refusal(['badDataFormat'], 'transactionID missing')
      if (!msg.header.senderNonce) throw new Refusal(['badSenderNonce'], 'senderNonce missing')
      const tidHex = tidBuf.toString('hex')
      let result: { body: PKIBody; outcome: string }
      if (b.kur) result = await keyUpdate(der, msg, tidHex, now)
      else if (b.pollReq) result = await poll(der, msg, tidHex, now)
      else if (b.certConf) result = await confirm(der, msg, tidHex, now)
      else if (b.error) {
        // The client gives up (RFC 4210 5.3.21): nothing recorded, and pkiConf (RFC 9483 3.6.4).
        transactionOf(tidHex, msg, verifyClient(der, msg, now))
        transactions.delete(tidHex)
        const body = new PKIBody()
        body.pkiconf = null
        result = { body, outcome: 'pkiConf (client gave up)' }
      } else throw new Refusal(['badRequest'], `${kind} is not served here (key update only)`)
      log({ tid, kind, outcome: result.outcome })
      const senderNonce = randomBytes(16)
      const tx = transactions.get(tidHex)
      if (tx) tx.lastNonce = senderNonce
      return await answer(msg, result.body, senderNonce)
    } catch (e) {
      const refusal = e instanceof Refusal ? e : new Refusal(['systemFailure'], 'internal error')
      log({ tid, kind, outcome: `rejected: ${refusal.text}` })
      const certReqId = msg?.body.kur?.[0]?.certReq.certReqId ?? 0
      const body = refusal.as === 'kup' ? certRepBody(certReqId, 'rejection', refusal.failInfo, refusal.text) : errorBody(refusal.failInfo, refusal.text)
      try {
        return await answer(msg, body)
      } catch {
        return answer(undefined, errorBody(['systemFailure'], 'internal error'))
      }
    }
  }

  return {
    handle,
    listen: (host = '127.0.0.1', port = 0) => listenCmp(handle, host, port),
  }
}

/** The server's signing certificate (digitalSignature, issued by the lab CA) and its key. */
async function makeResponder(ca: LabCa, now: Date): Promise<{ fields: CertificateFields; signer: Signer }> {
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
  const der = await issueCertificate(ca, {
    spki: spkiOf(key),
    subject: LAB_CMP_SERVER_NAME,
    serialHex: randomSerialHex(),
    notBefore: new Date(now.getTime() - DAY),
    notAfter: new Date(now.getTime() + 365 * DAY),
  })
  return { fields: certificateFields(der), signer: softwareSigner(key) }
}

/** certHash with the certificate's own signature digest (RFC 4210 5.3.18), or with hashAlg when the client gave one (RFC 9480). */
function hashFor(certificate: Buffer, hashAlg: string | undefined): Buffer {
  const byOid: Record<string, string> = { '2.16.840.1.101.3.4.2.1': 'sha256', '2.16.840.1.101.3.4.2.2': 'sha384', '2.16.840.1.101.3.4.2.3': 'sha512' }
  const h = hashAlg ? byOid[hashAlg] : undefined
  return h ? createHash(h).update(certificate).digest() : certHash(certificate)
}
