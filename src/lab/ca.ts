import { webcrypto, createPrivateKey, type KeyObject } from 'node:crypto'

/**
 * The lab's certificate authority: a software key and a self-signed certificate
 * whose name says it is not a bank. @peculiar/x509 builds the certificates
 * (loaded lazily: ~250 ms).
 */
type X509 = typeof import('@peculiar/x509')
let lib: Promise<X509> | undefined
export function x509(): Promise<X509> {
  lib ??= import('reflect-metadata').then(async () => {
    const x = await import('@peculiar/x509')
    x.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x.cryptoProvider.set>[0])
    return x
  })
  return lib
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const
const DAY = 86_400_000

// @peculiar/x509 keeps a name string's order as the DER order: country first, as CAs write them.
export const LAB_CA_NAME = 'C=CN,O=ukey lab,CN=ukey lab CA (not a bank)'

export interface LabCa {
  certPem: string
  /** PKCS#8 PEM. A lab key on disk, never a bank's. */
  keyPem: string
}

export async function createLabCa(now: Date): Promise<LabCa> {
  const x = await x509()
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair
  const cert = await x.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: LAB_CA_NAME,
    notBefore: new Date(now.getTime() - 1000 * DAY),
    notAfter: new Date(now.getTime() + 3650 * DAY),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x.BasicConstraintsExtension(true, 0, true),
      new x.KeyUsagesExtension(x.KeyUsageFlags.keyCertSign | x.KeyUsageFlags.cRLSign, true),
      await x.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  })
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey))
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END PRIVATE KEY-----\n`
  return { certPem: cert.toString('pem') + '\n', keyPem }
}

export interface IssueRequest {
  /** SubjectPublicKeyInfo DER of the key to certify (on a token, or in software). */
  spki: Buffer
  /**
   * A name string ("C=CN,O=…,CN=…", in DER order), or a Name's DER bytes: a renewal
   * keeps the old certificate's subject byte for byte (it must not re-spell the customer).
   */
  subject: string | Buffer
  serialHex: string
  notBefore: Date
  notAfter: Date
}

/** A customer certificate from the lab CA: digital signature, client authentication, key identifiers. */
export async function issueCertificate(ca: LabCa, req: IssueRequest): Promise<Buffer> {
  const x = await x509()
  const caCert = new x.X509Certificate(ca.certPem)
  const caKey = await webcrypto.subtle.importKey('pkcs8', pemBody(ca.keyPem), ALG, false, ['sign'])
  const publicKey = new x.PublicKey(req.spki)
  // Never past the CA's own end: a certificate outliving its issuer cannot be verified.
  const notAfter = req.notAfter.getTime() > caCert.notAfter.getTime() ? caCert.notAfter : req.notAfter
  const cert = await x.X509CertificateGenerator.create({
    serialNumber: req.serialHex,
    subject: typeof req.subject === 'string' ? req.subject : new x.Name(req.subject),
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

function pemBody(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64')
}

export function labCaKey(ca: LabCa): KeyObject {
  return createPrivateKey(ca.keyPem)
}
