import { hash, X509Certificate as NodeX509 } from 'node:crypto'
import { TAG, expect, oidText, readTlv } from './der.js'
import { certExtensions, type CertExtensions } from './extensions.js'
import { certIdentity, type CertIdentity } from './identity.js'
import { keySize } from './public-key.js'
import type { CertSummary } from './summary.js'

/** Everything "Show certificate" in a vendor's management tool shows (FAQ 12.1), and more. */
export interface CertDetails extends CertExtensions {
  /** What every command says of a certificate (identity.ts): show-cert adds the rest. */
  identity: CertIdentity
  signatureAlgorithm: string
  selfSigned: boolean
  /** SHA-1 of the DER, lower-case hex: what older vendor tools and the Windows dialog list. */
  sha1: string
  /** The key as the card names it: "EC P-256" and its bits, curves included (the JSON's key names the curve instead). */
  keyName: { algorithm: string; bits: number | null }
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

/**
 * Everything show-cert shows, decoded from the DER with der.ts: the same walker
 * and limits (limits.ts) as the window check, ~20 µs a certificate, so a bundle
 * of 10,000 streams as fast as check-window reads it.
 */
export function certDetails(summary: CertSummary): CertDetails {
  const der = summary.der
  const identity = certIdentity(summary)
  const cert = expect(der, 0, der.length, TAG.SEQUENCE, 'Certificate')
  const tbs = expect(der, cert.start, cert.end, TAG.SEQUENCE, 'TBSCertificate')
  // The extensions follow subjectPublicKeyInfo (RFC 5280 4.1): walk the headers to it.
  let el = readTlv(der, tbs.start, tbs.end)
  if (el.tag === TAG.CONTEXT_0) el = readTlv(der, el.next, tbs.end)
  let spkiAt = 0
  for (const field of ['signature', 'issuer', 'validity', 'subject', 'subjectPublicKeyInfo']) {
    spkiAt = el.next
    el = expect(der, el.next, tbs.end, TAG.SEQUENCE, field)
  }
  const spki = el
  const ext = certExtensions(der, spki.next, tbs.end)
  const sigAlg = expect(der, tbs.next, cert.end, TAG.SEQUENCE, 'signatureAlgorithm')
  const sigOid = oidText(der, expect(der, sigAlg.start, sigAlg.end, TAG.OID, 'signature OID'))

  let selfSigned = identity.subject.dn === identity.issuer.dn
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
  return {
    identity,
    signatureAlgorithm: SIGNATURE_ALGORITHMS[sigOid] ?? sigOid,
    ...ext,
    selfSigned,
    sha1: hash('sha1', der, 'hex'),
    keyName: { algorithm: summary.keyAlgorithm, bits: keySize(der, spkiAt, spki, summary.keyAlgorithm) },
  }
}
