import { TAG, expectAt, header, hex, readAt, type Tlv } from './der.js'
import { distinguishedName, sharedDistinguishedName } from './names.js'
import { nodeCrypto } from './lazy-crypto.js'
import { keySize } from './public-key.js'
import type { CertSummary } from './summary.js'

/**
 * What every JSON document says about a certificate, before the window:
 * names in one DN format, the SHA-256 fingerprint, the key. Read from the
 * DER the fast reader (summary.ts) already holds: no second decoder.
 */
export interface CertIdentity {
  subject: { dn: string; cn: string | null }
  issuer: { dn: string; cn: string | null }
  /** summary.ts: lower-case hex of the INTEGER's content octets, leading zero octets dropped. */
  serial: string
  notBefore: Date
  notAfter: Date
  /** SHA-256 of the DER, lower-case hex without separators (as sha256sum and openssl dgst print it). */
  sha256: string
  key: CertKey
}

/** RSA and DSA by size; EC and SM2 by curve; Ed25519/Ed448 (and an unknown OID) by name alone. */
export type CertKey =
  | { algorithm: string; size: number | null }
  | { algorithm: string; curve: string | null }
  | { algorithm: string }

// The curve GM/T 0006 and OpenSSL's `sm2` name: SM2 keys are always on it.
const SM2_CURVE = 'sm2p256v1'

/**
 * summary.ts names EC keys "EC P-256": split into algorithm and curve for JSON.
 * One frozen object per kind of key (a batch has a few): output/certificate-json.ts
 * writes each one's text once.
 */
export function certKey(algorithm: string, size: () => number | null): CertKey {
  if (algorithm === 'RSA' || algorithm === 'RSA-PSS' || algorithm === 'DSA') {
    const bits = size()
    let bySize = sizedKeys.get(algorithm)
    if (!bySize) sizedKeys.set(algorithm, (bySize = new Map()))
    let key = bySize.get(bits)
    if (!key) {
      // Bounded: a batch of every odd key size must not grow it without end.
      if (bySize.size >= KEYS_MAX) bySize.clear()
      bySize.set(bits, (key = Object.freeze({ algorithm, size: bits })))
    }
    return key
  }
  let key = namedKeys.get(algorithm)
  if (!key) {
    if (namedKeys.size >= KEYS_MAX) namedKeys.clear()
    namedKeys.set(algorithm, (key = Object.freeze(namedKey(algorithm))))
  }
  return key
}

function namedKey(algorithm: string): CertKey {
  if (algorithm === 'SM2') return { algorithm, curve: SM2_CURVE }
  if (algorithm === 'EC') return { algorithm, curve: null }
  if (algorithm.startsWith('EC ')) return { algorithm: 'EC', curve: algorithm.slice(3) }
  return { algorithm }
}

const KEYS_MAX = 256
const sizedKeys = new Map<string, Map<number | null, CertKey>>()
const namedKeys = new Map<string, CertKey>()

/**
 * A name the fast reader passed over but names.ts refuses (an attribute with two
 * values, a damaged value): "#" and the hex of its DER, RFC 4514 2.4's form for a
 * value it cannot show, so one odd name never stops a batch.
 */
function dn(der: Uint8Array, at: number, name: Tlv, format: (der: Uint8Array, name: Tlv) => string): string {
  try {
    return format(der, name)
  } catch {
    return '#' + hex(der, at, name.end)
  }
}

/** Where a certificate's names and key are: each element's start (its header) and its content's start and end. */
export interface NamesAndKey {
  issuerAt: number
  issuerStart: number
  issuerEnd: number
  subjectAt: number
  subjectStart: number
  subjectEnd: number
  spkiAt: number
  spkiStart: number
  spkiEnd: number
}

/**
 * RFC 5280 4.1: the walk to issuer, subject and subjectPublicKeyInfo (headers only), in
 * a DER readCertSummary accepted. Positions only (der.ts readAt): no element objects,
 * on every certificate of a batch.
 */
export function namesAndKey(der: Uint8Array): NamesAndKey {
  const certEnd = expectAt(der, 0, der.length, TAG.SEQUENCE, 'Certificate')
  const tbsEnd = expectAt(der, header.start, certEnd, TAG.SEQUENCE, 'TBSCertificate')
  let p = readAt(der, header.start, tbsEnd)
  if (header.tag === TAG.CONTEXT_0) p = readAt(der, p, tbsEnd)
  const issuerAt = expectAt(der, p, tbsEnd, TAG.SEQUENCE, 'signature')
  const issuerEnd = expectAt(der, issuerAt, tbsEnd, TAG.SEQUENCE, 'issuer')
  const issuerStart = header.start
  const subjectAt = expectAt(der, issuerEnd, tbsEnd, TAG.SEQUENCE, 'validity')
  const subjectEnd = expectAt(der, subjectAt, tbsEnd, TAG.SEQUENCE, 'subject')
  const subjectStart = header.start
  const spkiEnd = expectAt(der, subjectEnd, tbsEnd, TAG.SEQUENCE, 'subjectPublicKeyInfo')
  return { issuerAt, issuerStart, issuerEnd, subjectAt, subjectStart, subjectEnd, spkiAt: subjectEnd, spkiStart: header.start, spkiEnd }
}

const element = (tag: number, start: number, end: number): Tlv => ({ tag, start, end, next: end })

/** The certificate's key, as certIdentity gives it. */
export function identityKey(summary: CertSummary, at: NamesAndKey): CertKey {
  return certKey(summary.keyAlgorithm, () => keySize(summary.der, at.spkiAt, element(TAG.SEQUENCE, at.spkiStart, at.spkiEnd), summary.keyAlgorithm))
}

/** SHA-256 of the DER, as certIdentity gives it: the reading thread's when it made one. One-shot hash: half the cost of a Hash object, on every certificate of a batch. */
export function identitySha256(summary: CertSummary): string {
  return summary.sha256 ?? nodeCrypto().hash('sha256', summary.der, 'hex')
}

/** Never throws for a summary readCertSummary returned: it walks the headers that reader already checked. */
export function certIdentity(summary: CertSummary): CertIdentity {
  const der = summary.der
  const at = namesAndKey(der)
  return {
    subject: { dn: dn(der, at.subjectAt, element(TAG.SEQUENCE, at.subjectStart, at.subjectEnd), distinguishedName), cn: summary.subjectCN },
    issuer: { dn: dn(der, at.issuerAt, element(TAG.SEQUENCE, at.issuerStart, at.issuerEnd), sharedDistinguishedName), cn: summary.issuerCN },
    serial: summary.serial,
    notBefore: summary.notBefore,
    notAfter: summary.notAfter,
    sha256: identitySha256(summary),
    key: identityKey(summary, at),
  }
}
