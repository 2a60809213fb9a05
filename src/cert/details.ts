import { createHash, createPublicKey, X509Certificate as NodeX509 } from 'node:crypto'
import { DerError, TAG, expect, oidText } from './der.js'
import type { CertSummary } from './summary.js'

/** Everything "Show certificate" in a vendor's management tool shows (FAQ 12.1), and more. */
export interface CertDetails {
  subject: string
  issuer: string
  serial: string
  notBefore: Date
  notAfter: Date
  publicKey: { algorithm: string; size: number | null }
  signatureAlgorithm: string
  keyUsage: string[] | null
  extendedKeyUsage: string[] | null
  subjectAltNames: string[]
  subjectKeyIdentifier: string | null
  authorityKeyIdentifier: string | null
  isCA: boolean
  selfSigned: boolean
  fingerprints: { sha256: string; sha1: string }
}

const SIGNATURE_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
  // GM/T 0006: the Chinese national (国密) signature used by newer bank keys.
  '1.2.156.10197.1.501': 'SM3withSM2',
}

const EKU_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '1.3.6.1.4.1.311.20.2.2': 'smartcardLogon',
}

const KEY_USAGE_BITS = [
  'digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment',
  'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly',
]

const CURVE_BITS: Record<string, number> = { 'EC P-256': 256, 'EC P-384': 384, 'EC P-521': 521, SM2: 256, Ed25519: 256, Ed448: 456 }

function colonHex(buf: Buffer): string {
  return buf.toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:')
}

function signatureOid(der: Uint8Array): string {
  const cert = expect(der, 0, der.length, TAG.SEQUENCE, 'Certificate')
  const tbs = expect(der, cert.start, cert.end, TAG.SEQUENCE, 'TBSCertificate')
  const alg = expect(der, tbs.next, cert.end, TAG.SEQUENCE, 'signatureAlgorithm')
  return oidText(der, expect(der, alg.start, alg.end, TAG.OID, 'signature OID'))
}

let x509Lib: Promise<typeof import('@peculiar/x509')> | undefined
function loadX509(): Promise<typeof import('@peculiar/x509')> {
  // @peculiar/x509 costs ~250 ms to load: only show-cert pays it.
  x509Lib ??= import('reflect-metadata').then(() => import('@peculiar/x509'))
  return x509Lib
}

function keySize(spki: Buffer, algorithm: string): number | null {
  try {
    const d = createPublicKey({ key: spki, format: 'der', type: 'spki' }).asymmetricKeyDetails
    if (d?.modulusLength) return d.modulusLength
  } catch {
    // SM2 and other keys OpenSSL's default provider cannot load: fall back to the curve table.
  }
  return CURVE_BITS[algorithm] ?? null
}

/**
 * RFC 4514 order, most specific first ("CN=张三, O=测试银行, C=CN"), as openssl
 * -nameopt RFC2253 and the Windows certificate dialog show it; @peculiar/x509
 * prints the DER order. Escaped commas inside values ("\,") stay put.
 */
function rfc4514(derOrder: string): string {
  return derOrder.split(/(?<!\\), (?=[A-Za-z][A-Za-z0-9-]*=|\d+(?:\.\d+)+=)/).reverse().join(', ')
}

export async function certDetails(summary: CertSummary): Promise<CertDetails> {
  const x = await loadX509()
  try {
    return details(x, summary)
  } catch (e) {
    // The strict reader checks the frame and the fields check-window needs; the full decoder reads
    // every extension, and a damaged one is a damaged certificate, not a crash (found by test/fuzz).
    if (e instanceof DerError) throw e
    throw new DerError('malformed', e instanceof Error ? e.message.slice(0, 200) : 'undecodable certificate')
  }
}

function details(x: typeof import('@peculiar/x509'), summary: CertSummary): CertDetails {
  const der = Buffer.from(summary.der)
  const cert = new x.X509Certificate(der)
  const ext = <T>(type: new (...a: never[]) => T): T | null => cert.getExtension(type as never) as T | null

  const ku = ext(x.KeyUsagesExtension)
  const eku = ext(x.ExtendedKeyUsageExtension)
  const san = ext(x.SubjectAlternativeNameExtension)
  const ski = ext(x.SubjectKeyIdentifierExtension)
  const aki = ext(x.AuthorityKeyIdentifierExtension)
  const bc = ext(x.BasicConstraintsExtension)

  const sigOid = signatureOid(der)
  let selfSigned = cert.subject === cert.issuer
  if (selfSigned) {
    if (summary.keyAlgorithm === 'SM2') {
      // Node's OpenSSL binding cannot pass the SM2 distinguishing ID (GM/T 0009) a verify needs:
      // equal names and matching key identifiers are the evidence left.
      selfSigned = !aki?.keyId || aki.keyId === ski?.keyId
    } else {
      try {
        const n = new NodeX509(der)
        selfSigned = n.verify(n.publicKey)
      } catch {
        selfSigned = false
      }
    }
  }

  return {
    subject: rfc4514(cert.subject),
    issuer: rfc4514(cert.issuer),
    serial: summary.serial,
    notBefore: summary.notBefore,
    notAfter: summary.notAfter,
    publicKey: { algorithm: summary.keyAlgorithm, size: keySize(Buffer.from(cert.publicKey.rawData), summary.keyAlgorithm) },
    signatureAlgorithm: SIGNATURE_ALGORITHMS[sigOid] ?? sigOid,
    keyUsage: ku ? KEY_USAGE_BITS.filter((_, i) => ku.usages & (1 << i)) : null,
    extendedKeyUsage: eku ? eku.usages.map((u) => EKU_NAMES[String(u)] ?? String(u)) : null,
    subjectAltNames: san ? san.names.items.map((n) => `${n.type}:${n.value}`) : [],
    subjectKeyIdentifier: ski?.keyId ? ski.keyId.toUpperCase() : null,
    authorityKeyIdentifier: aki?.keyId ? aki.keyId.toUpperCase() : null,
    isCA: bc?.ca ?? false,
    selfSigned,
    fingerprints: {
      sha256: colonHex(createHash('sha256').update(der).digest()),
      sha1: colonHex(createHash('sha1').update(der).digest()),
    },
  }
}
