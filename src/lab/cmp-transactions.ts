// The lab CMP server's state machine, one key update transaction at a time
// (RFC 4210 5.3, RFC 9483 4.1.3 and 4.4):
//
//   kur ──checks──► waiting ──pollReq──► pollRep … ──pollReq──► kup (certificate)
//    └──────────── (no --waiting) ─────────────────────────────► kup (certificate)
//   kup ──certConf──► pkiConf (recorded in the store)   ──error──► pkiConf (given up)
//
// A transaction lives in memory only: a restarted server has forgotten it (the
// client then starts over), and one idle for TRANSACTION_TTL_MS is gone.

import { createHash, createPublicKey, verify as cryptoVerify, X509Certificate } from 'node:crypto'
import { AsnConvert } from '@peculiar/asn1-schema'
import { assessWindow, type WindowPolicy } from '../cert/window.js'
import type { PKIFailureName, PKIMessage } from '../renewal/cmp/asn1.js'
import { certificateFields, type CertificateFields } from '../renewal/cmp/certificate-fields.js'
import { certHash } from '../renewal/cmp/messages.js'
import { SIGNATURE_ALGORITHMS } from '../renewal/cmp/signer.js'
import { certRepBody, pkiConfBody } from '../renewal/cmp/answer-bodies.js'
import { pollRepBody, Refusal, type Answer } from './cmp-answers.js'
import type { LabCmpCa } from './cmp-ca.js'
import { checkOldCertId, serialHexOf } from './cmp-client-check.js'
import { certReqBytes } from './cmp-der.js'
import type { RenewalStore } from './cmp-store.js'

/** Open transactions kept in memory; the oldest are dropped beyond this, and any idle this long. */
const MAX_TRANSACTIONS = 1000
export const TRANSACTION_TTL_MS = 10 * 60_000

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

export interface KeyUpdateSettings {
  ca: LabCmpCa
  store: RenewalStore
  policy: WindowPolicy
  /** How many times a key update is answered "not yet" (waiting, then pollRep) before the certificate. */
  waitingCount: number
}

export class KeyUpdateTransactions {
  private readonly open = new Map<string, Transaction>()

  constructor(private readonly s: KeyUpdateSettings) {}

  get size(): number {
    return this.open.size
  }

  /** Forgets transactions idle longer than the TTL, and the oldest beyond the cap. */
  sweep(now: number): void {
    for (const [k, t] of this.open) if (now - t.touched > TRANSACTION_TTL_MS) this.open.delete(k)
    while (this.open.size > MAX_TRANSACTIONS) this.open.delete(this.open.keys().next().value!)
  }

  /** An open transaction, or undefined — an expired one counts as gone even before the sweep. */
  private live(tidHex: string, now: Date): Transaction | undefined {
    const tx = this.open.get(tidHex)
    if (tx && now.getTime() - tx.touched > TRANSACTION_TTL_MS) {
      this.open.delete(tidHex)
      return undefined
    }
    return tx
  }

  /** Remembers the senderNonce of the answer about to be sent, which the next request must echo. */
  answered(tidHex: string, senderNonce: Buffer): void {
    const tx = this.open.get(tidHex)
    if (tx) tx.lastNonce = senderNonce
  }

  async keyUpdate(der: Buffer, msg: PKIMessage, tidHex: string, old: () => CertificateFields, now: Date): Promise<Answer> {
    const reqs = [...(msg.body.kur ?? [])]
    const first = reqs[0]
    if (!first) throw new Refusal(['badDataFormat'], 'kur without a request')
    if (reqs.length > 1) throw new Refusal(['badRequest'], 'one certificate request per kur')
    const certReqId = first.certReq.certReqId
    if (this.live(tidHex, now)) throw new Refusal(['transactionIdInUse'], 'transactionID already in use')
    const signer = old()
    const refuse = (failInfo: PKIFailureName[], text: string): never => {
      throw new Refusal(failInfo, text, 'kup')
    }
    checkOldCertId(first.certReq, signer)
    const oldX = new X509Certificate(signer.der)
    const window = assessWindow({ notBefore: new Date(oldX.validFrom), notAfter: new Date(oldX.validTo) }, now, this.s.policy)
    if (window.state !== 'renewable' && window.state !== 'grace') {
      const when = window.state === 'valid' ? `opens ${window.opens.toISOString()}` : window.state === 'lapsed' ? `closed ${window.closes.toISOString()}` : 'certificate not yet valid'
      refuse(['notAuthorized'], `0116 not in the renewal period (${when})`)
    }
    const oldSerialHex = serialHexOf(signer)
    if (this.s.store.has(oldSerialHex)) refuse(['duplicateCertReq', 'notAuthorized'], '0116 already renewed')

    // Proof of possession (RFC 4211 4.1): the new key signed the CertRequest as sent.
    const tpl = first.certReq.certTemplate
    if (!tpl.publicKey) return refuse(['badCertTemplate'], 'template without a public key')
    const newSpki = Buffer.from(AsnConvert.serialize(tpl.publicKey))
    if (newSpki.equals(signer.spki)) refuse(['badCertTemplate'], 'the new key is the old key')
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

    const tx: Transaction = { oldCert: signer, oldSerialHex, certReqId, newSpki, pollsLeft: this.s.waitingCount, certificate: undefined, touched: now.getTime(), lastNonce: undefined }
    this.open.set(tidHex, tx)
    this.sweep(now.getTime())
    if (tx.pollsLeft > 0) {
      tx.pollsLeft--
      return { body: certRepBody(certReqId, 'waiting'), outcome: 'waiting' }
    }
    return this.issue(tx, now)
  }

  async poll(msg: PKIMessage, tidHex: string, client: CertificateFields, now: Date): Promise<Answer> {
    const tx = this.transactionOf(tidHex, msg, client, now)
    tx.touched = now.getTime()
    if (tx.certificate === undefined && tx.pollsLeft > 0) {
      tx.pollsLeft--
      return { body: pollRepBody(tx.certReqId, 1, 'lab: the CA is "busy" (--waiting)'), outcome: 'pollRep' }
    }
    return this.issue(tx, now)
  }

  async confirm(msg: PKIMessage, tidHex: string, client: CertificateFields, now: Date): Promise<Answer> {
    const repeat = this.repeatedConfirmation(msg, client, tidHex, now)
    if (repeat) return repeat
    const tx = this.transactionOf(tidHex, msg, client, now)
    if (!tx.certificate) throw new Refusal(['badRequest'], 'certConf before the certificate was issued')
    const statuses = [...(msg.body.certConf ?? [])]
    const cs = statuses[0]
    if (!cs || statuses.length > 1) throw new Refusal(['badRequest'], 'certConf must confirm exactly one certificate')
    if (cs.certReqId !== tx.certReqId || !Buffer.from(cs.certHash).equals(hashFor(tx.certificate, cs.hashAlg?.algorithm))) {
      throw new Refusal(['badCertId'], 'certConf does not match the issued certificate')
    }
    this.open.delete(tidHex)
    if (cs.statusInfo && cs.statusInfo.status !== 0) return { body: pkiConfBody(), outcome: 'pkiConf (client refused the certificate; not recorded)' }
    if (this.s.store.has(tx.oldSerialHex)) throw new Refusal(['duplicateCertReq', 'notAuthorized'], '0116 already renewed')
    await this.s.store.record(tx.oldSerialHex, {
      renewedAt: now.toISOString(),
      newSerial: serialHexOf(certificateFields(tx.certificate)),
      transactionId: tidHex,
      certHash: Buffer.from(cs.certHash).toString('hex'),
    })
    return { body: pkiConfBody(), outcome: 'pkiConf (renewal recorded)' }
  }

  /** The client gives up (RFC 4210 5.3.21): nothing recorded, and pkiConf (RFC 9483 3.6.4). */
  giveUp(msg: PKIMessage, tidHex: string, client: CertificateFields, now: Date): Answer {
    this.transactionOf(tidHex, msg, client, now)
    this.open.delete(tidHex)
    return { body: pkiConfBody(), outcome: 'pkiConf (client gave up)' }
  }

  private async issue(tx: Transaction, now: Date): Promise<Answer> {
    const oldX = new X509Certificate(tx.oldCert.der)
    tx.certificate ??= await this.s.ca.issue({
      spki: tx.newSpki,
      subjectDer: tx.oldCert.subject,
      now,
      spanMs: new Date(oldX.validTo).getTime() - new Date(oldX.validFrom).getTime(),
    })
    return { body: certRepBody(tx.certReqId, 'accepted', [], undefined, tx.certificate), outcome: 'kup accepted' }
  }

  private transactionOf(tidHex: string, msg: PKIMessage, client: CertificateFields, now: Date): Transaction {
    const tx = this.live(tidHex, now)
    if (!tx) throw new Refusal(['badRequest'], 'unknown transaction')
    if (!tx.oldCert.der.equals(client.der)) throw new Refusal(['notAuthorized'], '403.7 signed by another certificate than the transaction\'s')
    const recipNonce = msg.header.recipNonce ? Buffer.from(msg.header.recipNonce) : undefined
    if (tx.lastNonce && !recipNonce?.equals(tx.lastNonce)) throw new Refusal(['badRecipientNonce'], 'recipNonce is not the server\'s last senderNonce')
    return tx
  }

  /**
   * A client that crashed after sending certConf cannot know whether it arrived:
   * it confirms again. The same transaction confirming the same certificate is
   * answered pkiConf again (idempotent), never "0116 already renewed".
   */
  private repeatedConfirmation(msg: PKIMessage, client: CertificateFields, tidHex: string, now: Date): Answer | null {
    if (this.live(tidHex, now)) return null
    const record = this.s.store.get(serialHexOf(client))
    const cs = [...(msg.body.certConf ?? [])][0]
    if (!record || record.transactionId !== tidHex || !cs || Buffer.from(cs.certHash).toString('hex') !== record.certHash) return null
    return { body: pkiConfBody(), outcome: 'pkiConf (repeated confirmation; already recorded)' }
  }
}

/** certHash with the certificate's own signature digest (RFC 4210 5.3.18), or with hashAlg when the client gave one (RFC 9480). */
function hashFor(certificate: Buffer, hashAlg: string | undefined): Buffer {
  const byOid: Record<string, string> = { '2.16.840.1.101.3.4.2.1': 'sha256', '2.16.840.1.101.3.4.2.2': 'sha384', '2.16.840.1.101.3.4.2.3': 'sha512' }
  const h = hashAlg ? byOid[hashAlg] : undefined
  return h ? createHash(h).update(certificate).digest() : certHash(certificate)
}
