import { webcrypto } from 'node:crypto'
import { x509, type LabCa } from './ca.js'

// The lab CA's renewal certificate: like `issueCertificate`, but the subject is
// the old certificate's Name DER, kept byte for byte (a renewal must not
// re-spell the customer's name), and the validity is capped by the CA's.

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const

export interface RenewalIssueRequest {
  /** SubjectPublicKeyInfo DER of the new key. */
  spki: Buffer
  /** Name DER, copied from the old certificate. */
  subjectDer: Buffer
  serialHex: string
  notBefore: Date
  notAfter: Date
}

function pemBody(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64')
}

export async function issueRenewal(ca: LabCa, req: RenewalIssueRequest): Promise<Buffer> {
  const x = await x509()
  const caCert = new x.X509Certificate(ca.certPem)
  const caKey = await webcrypto.subtle.importKey('pkcs8', pemBody(ca.keyPem), ALG, false, ['sign'])
  const publicKey = new x.PublicKey(req.spki)
  const notAfter = req.notAfter.getTime() > caCert.notAfter.getTime() ? caCert.notAfter : req.notAfter
  const cert = await x.X509CertificateGenerator.create({
    serialNumber: req.serialHex,
    subject: new x.Name(req.subjectDer),
    issuer: caCert.subjectName,
    notBefore: req.notBefore,
    notAfter,
    publicKey,
    signingKey: caKey,
    signingAlgorithm: ALG,
    extensions: [
      new x.BasicConstraintsExtension(false, undefined, true),
      new x.KeyUsagesExtension(x.KeyUsageFlags.digitalSignature | x.KeyUsageFlags.nonRepudiation, true),
      new x.ExtendedKeyUsageExtension([x.ExtendedKeyUsage.clientAuth]),
      await x.SubjectKeyIdentifierExtension.create(publicKey),
      await x.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
    ],
  })
  return Buffer.from(cert.rawData)
}
