// Who is asking: the lab CMP server accepts a request only when it is signed
// by a client certificate the lab CA issued directly — what a bank's CA checks
// before anything else (else a refusal carrying "403.7").

import { X509Certificate } from 'node:crypto'
import { CertId, decode, type CertRequest, type PKIMessage } from '../renewal/cmp/asn1.js'
import { certificateFields, type CertificateFields } from '../renewal/cmp/certificate-fields.js'
import { CmpError } from '../renewal/cmp/errors.js'
import { OID_REG_CTRL_OLD_CERT_ID } from '../renewal/cmp/messages.js'
import { verifyProtection } from '../renewal/cmp/protection.js'
import { Refusal } from './cmp-answers.js'
import { nameOfGeneralName } from './cmp-der.js'

/** How far a request's messageTime may be from the server's clock (RFC 9483 3.5 leaves it to policy). */
const MAX_SKEW_S = 600

export const serialHexOf = (f: CertificateFields): string => f.serial.toString('hex').replace(/^(00)+(?=.)/, '')

/**
 * The request's protection, by a client certificate the lab CA issued. A
 * certificate in its grace period has expired, yet may still renew: an
 * expired (or not yet valid) signer is checked as of its notAfter (notBefore),
 * messageTime against the clock, and the window check that follows (kur)
 * refuses it with 0116 when it is outside the window — the bank's answer,
 * rather than 403.7.
 */
export function authenticateClient(der: Buffer, msg: PKIMessage, now: Date, caDer: Buffer): CertificateFields {
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

/** The certificate to renew is the one that signed; the oldCertID control (RFC 4211 6.5), when present, must name it. */
export function checkOldCertId(certReq: CertRequest, signer: CertificateFields): void {
  const control = certReq.controls ? [...certReq.controls].find((c) => c.type === OID_REG_CTRL_OLD_CERT_ID) : undefined
  if (!control) return
  let id: CertId
  try {
    id = decode(Buffer.from(control.value), CertId)
  } catch {
    throw new Refusal(['badDataFormat'], 'oldCertID control', 'kup')
  }
  const issuer = nameOfGeneralName(Buffer.from(id.issuer))
  const serial = Buffer.from(id.serialNumber).toString('hex').replace(/^(00)+(?=.)/, '')
  if (!issuer?.equals(signer.issuer) || serial !== serialHexOf(signer)) {
    throw new Refusal(['badCertId', 'notAuthorized'], '403.7 oldCertID is not the certificate that signed the request', 'kup')
  }
}
