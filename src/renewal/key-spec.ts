import { X509Certificate } from 'node:crypto'
import { readCertSummary } from '../cert/summary.js'
import { UkeyError } from '../errors.js'
import type { KeyAlgorithmSpec, SignMechanism } from '../hardware/pkcs11/types.js'

/**
 * The new key is the same kind as the old one (DESIGN.md "Algorithms"): the
 * bank issued that kind, its middleware expects it. SM2 keys need a module
 * that offers SM2 key generation; none here does (SoftHSM2 has no SM2), so an
 * SM2 renewal stops with 0124 before anything changes — said plainly.
 */
export function keySpecFor(certificate: Buffer): { spec: KeyAlgorithmSpec; mechanism: SignMechanism } {
  // Node's X509Certificate does not name SM2 keys (no key type): ukey's own reader does.
  try {
    if (readCertSummary(certificate).keyAlgorithm === 'SM2') throw keygenUnsupported('SM2 (国密) key generation is not offered by this module')
  } catch (e) {
    if (e instanceof UkeyError) throw e
  }
  let x: X509Certificate
  try {
    x = new X509Certificate(certificate)
  } catch (e) {
    throw new UkeyError('CERT_CORRUPT', { params: { source: 'token', detail: 'the certificate cannot be read' }, cause: e })
  }
  const key = x.publicKey
  const d = key.asymmetricKeyDetails ?? {}
  if (key.asymmetricKeyType === 'rsa') {
    const bits = d.modulusLength === 3072 || d.modulusLength === 4096 ? d.modulusLength : 2048
    return { spec: { algorithm: 'RSA', bits }, mechanism: 'RSA-PKCS-SHA256' }
  }
  if (key.asymmetricKeyType === 'ec') {
    if (d.namedCurve === 'prime256v1') return { spec: { algorithm: 'EC', curve: 'P-256' }, mechanism: 'ECDSA-SHA256' }
    if (d.namedCurve === 'secp384r1') return { spec: { algorithm: 'EC', curve: 'P-384' }, mechanism: 'ECDSA-SHA256' }
  }
  throw keygenUnsupported(`no key generation for a ${key.asymmetricKeyType ?? 'unknown'} ${d.namedCurve ?? ''} key`.trim())
}

function keygenUnsupported(detail: string): UkeyError {
  return new UkeyError('RENEWAL_KEYGEN_FAILED', { params: { detail }, actions: ['action.diagnose0124'] })
}
