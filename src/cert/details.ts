import { hash, X509Certificate as NodeX509 } from 'node:crypto'
import { TAG, expect, oidText, readTlv } from './der.js'
import { certExtensions, type CertExtensions } from './extensions.js'
import { distinguishedName } from './names.js'
import { keySize } from './public-key.js'
import type { CertSummary } from './summary.js'

/** Everything "Show certificate" in a vendor's management tool shows (FAQ 12.1), and more. */
export interface CertDetails extends CertExtensions {
  subject: string
  issuer: string
  serial: string
  notBefore: Date
  notAfter: Date
  publicKey: { algorithm: string; size: number | null }
  signatureAlgorithm: string
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

const HEX_UPPER = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0').toUpperCase())

/** "AB:CD:…": a table lookup per byte (a regular expression over the hex cost ~20 µs a fingerprint). */
function colonHex(buf: Buffer): string {
  let s = HEX_UPPER[buf[0]!]!
  for (let i = 1; i < buf.length; i++) s += ':' + HEX_UPPER[buf[i]!]
  return s
}

function signatureOid(der: Uint8Array): string {
  const cert = expect(der, 0, der.length, TAG.SEQUENCE, 'Certificate')
  const tbs = expect(der, cert.start, cert.end, TAG.SEQUENCE, 'TBSCertificate')
  const alg = expect(der, tbs.next, cert.end, TAG.SEQUENCE, 'signatureAlgorithm')
  return oidText(der, expect(der, alg.start, alg.end, TAG.OID, 'signature OID'))
}

/**
 * Everything show-cert shows, decoded from the DER with der.ts: the same walker
 * and limits (limits.ts) as the window check, ~20 µs a certificate, so a bundle
 * of 10,000 streams as fast as check-window reads it.
 */
export function certDetails(summary: CertSummary): CertDetails {
  const der = summary.der
  const cert = expect(der, 0, der.length, TAG.SEQUENCE, 'Certificate')
  const tbs = expect(der, cert.start, cert.end, TAG.SEQUENCE, 'TBSCertificate')
  let el = readTlv(der, tbs.start, tbs.end)
  if (el.tag === TAG.CONTEXT_0) el = readTlv(der, el.next, tbs.end)
  const signature = expect(der, el.next, tbs.end, TAG.SEQUENCE, 'signature')
  const issuerTlv = expect(der, signature.next, tbs.end, TAG.SEQUENCE, 'issuer')
  const validity = expect(der, issuerTlv.next, tbs.end, TAG.SEQUENCE, 'validity')
  const subjectTlv = expect(der, validity.next, tbs.end, TAG.SEQUENCE, 'subject')
  const spki = expect(der, subjectTlv.next, tbs.end, TAG.SEQUENCE, 'subjectPublicKeyInfo')
  const ext = certExtensions(der, spki.next, tbs.end)
  const subject = distinguishedName(der, subjectTlv)
  const issuer = distinguishedName(der, issuerTlv)

  let selfSigned = subject === issuer
  if (selfSigned) {
    if (summary.keyAlgorithm === 'SM2') {
      // Node's OpenSSL binding cannot pass the SM2 distinguishing ID (GM/T 0009) a verify needs:
      // equal names and matching key identifiers are the evidence left.
      selfSigned = !ext.authorityKeyIdentifier || ext.authorityKeyIdentifier === ext.subjectKeyIdentifier
    } else {
      try {
        const n = new NodeX509(der)
        selfSigned = n.verify(n.publicKey)
      } catch {
        selfSigned = false
      }
    }
  }
  const sigOid = signatureOid(der)
  return {
    subject,
    issuer,
    serial: summary.serial,
    notBefore: summary.notBefore,
    notAfter: summary.notAfter,
    publicKey: { algorithm: summary.keyAlgorithm, size: keySize(der, subjectTlv.next, spki, summary.keyAlgorithm) },
    signatureAlgorithm: SIGNATURE_ALGORITHMS[sigOid] ?? sigOid,
    ...ext,
    selfSigned,
    fingerprints: {
      // One-shot hashes: half the cost of a Hash object each, on every certificate of a bundle.
      sha256: colonHex(hash('sha256', der, 'buffer')),
      sha1: colonHex(hash('sha1', der, 'buffer')),
    },
  }
}
