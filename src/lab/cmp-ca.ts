// The lab CA as the CMP server uses it: it signs every answer and issues the
// renewed certificate. Answers are signed by a server certificate of the lab
// CA's, not by the CA certificate itself: OpenSSL's client requires
// digitalSignature in the signer's key usage, which a CA certificate
// (keyCertSign, cRLSign) lacks. A fresh key each start; the CA certificate
// follows it in extraCerts.

import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto'
import type { PKIBody, PKIMessage } from '../renewal/cmp/asn1.js'
import { certificateFields, type CertificateFields } from '../renewal/cmp/certificate-fields.js'
import { buildProtectedMessage } from '../renewal/cmp/messages.js'
import { softwareSigner, spkiOf, type Signer } from '../renewal/cmp/signer.js'
import { issueCertificate, type LabCa } from './ca.js'
import { nameOfGeneralName } from './cmp-der.js'

const DAY = 86_400_000
/** The subject of the server's signing certificate. */
export const LAB_CMP_SERVER_NAME = 'C=CN,O=ukey lab,CN=ukey lab CMP server (not a bank)'

/**
 * A CA gone wrong, for fault tests: issues for another key or another subject
 * than the request's. A client must refuse such a certificate.
 */
export type Misissue = 'other-key' | 'other-subject'

export interface RenewalIssue {
  /** SubjectPublicKeyInfo DER of the new key. */
  spki: Buffer
  /** Name DER, copied from the old certificate: kept byte for byte (a renewal must not re-spell the customer). */
  subjectDer: Buffer
  now: Date
  /** The old certificate's lifetime, which the new one keeps (a year when it cannot be read). */
  spanMs: number
}

export function randomSerialHex(): string {
  const b = randomBytes(16)
  b[0] = (b[0]! & 0x7f) | 0x10 // positive, 16 bytes, no leading zero octet
  return b.toString('hex')
}

export class LabCmpCa {
  private constructor(
    readonly ca: LabCa,
    /** The CA certificate's DER: the trust anchor client certificates are checked against. */
    readonly caDer: Buffer,
    private readonly responder: Promise<{ fields: CertificateFields; signer: Signer }>,
    private readonly clock: () => Date,
    private readonly misissue: Misissue | undefined,
  ) {}

  static create(ca: LabCa, clock: () => Date, misissue?: Misissue): LabCmpCa {
    const responder = makeResponder(ca, clock())
    responder.catch(() => undefined) // reported by the first answer that needs it
    return new LabCmpCa(ca, new X509Certificate(ca.certPem).raw, responder, clock, misissue)
  }

  /** Signs an answer echoing the request's transaction and nonce (a fresh transactionID when the request had none). */
  async sign(req: PKIMessage | undefined, body: PKIBody, senderNonce: Buffer = randomBytes(16)): Promise<Buffer> {
    const h = req?.header
    const recipient = (h && nameOfGeneralName(Buffer.from(h.sender))) ?? Buffer.from([0x30, 0x00])
    const tid = h?.transactionID ? Buffer.from(h.transactionID) : randomBytes(16)
    const { fields, signer } = await this.responder
    return buildProtectedMessage(
      {
        sender: fields.subject,
        recipient,
        signer,
        extraCerts: [fields.der, this.caDer],
        ...(fields.subjectKeyId ? { senderKID: fields.subjectKeyId } : {}),
        transactionID: tid,
        senderNonce,
        ...(h?.senderNonce ? { recipNonce: Buffer.from(h.senderNonce) } : {}),
        messageTime: this.clock(),
      },
      body,
    )
  }

  /** The renewed certificate: the old subject's bytes, the new key, the old lifetime from now (capped by the CA's end). */
  async issue(r: RenewalIssue): Promise<Buffer> {
    return issueCertificate(this.ca, {
      spki: this.misissue === 'other-key' ? spkiOf(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey) : r.spki,
      subject: this.misissue === 'other-subject' ? (await this.responder).fields.subject : r.subjectDer,
      serialHex: randomSerialHex(),
      notBefore: new Date(Math.floor(r.now.getTime() / 1000) * 1000),
      notAfter: new Date(r.now.getTime() + (r.spanMs > 0 ? r.spanMs : 365 * DAY)),
    })
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
