import { TAG, expectAt, header, type Tlv } from './der.js'
import { nodeCrypto } from './lazy-crypto.js'
import type { KeyAlgorithm } from './summary.js'

const CURVE_BITS: Record<string, number> = { 'EC P-256': 256, 'EC P-384': 384, 'EC P-521': 521, SM2: 256, Ed25519: 256, Ed448: 456 }

/**
 * The key size in bits: an RSA modulus read from the DER (PKCS#1 RSAPublicKey),
 * a curve from its name; anything else asks OpenSSL. Loading every key into
 * OpenSSL cost ~0.9 ms a certificate, most of show-cert's time on a bundle.
 */
/** `spki` is the SubjectPublicKeyInfo element, starting at `at`. */
export function keySize(der: Uint8Array, at: number, spki: Tlv, algorithm: KeyAlgorithm): number | null {
  const curve = CURVE_BITS[algorithm]
  if (curve) return curve
  if (algorithm === 'RSA' || algorithm === 'RSA-PSS') {
    // By position (der.ts readAt): no element objects, on every RSA certificate of a batch.
    try {
      const algEnd = expectAt(der, spki.start, spki.end, TAG.SEQUENCE, 'algorithm')
      const bitsEnd = expectAt(der, algEnd, spki.end, TAG.BIT_STRING, 'subjectPublicKey')
      const rsaEnd = expectAt(der, header.start + 1, bitsEnd, TAG.SEQUENCE, 'RSAPublicKey')
      const nEnd = expectAt(der, header.start, rsaEnd, TAG.INTEGER, 'modulus')
      let p = header.start
      while (p < nEnd && der[p] === 0) p++
      if (p === nEnd) return null
      return (nEnd - p) * 8 - Math.clz32(der[p]!) + 24
    } catch {
      return null
    }
  }
  try {
    const key = nodeCrypto().createPublicKey({ key: Buffer.from(der.subarray(at, spki.end)), format: 'der', type: 'spki' })
    return key.asymmetricKeyDetails?.modulusLength ?? null
  } catch {
    // Keys OpenSSL's default provider cannot load: no size to show.
    return null
  }
}
