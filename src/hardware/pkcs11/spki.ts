import { createPublicKey } from 'node:crypto'
import { DerError, TAG, expect, oidText } from '../../cert/der.js'
import { UkeyError } from '../../errors.js'

export interface EcCurve {
  name: string
  /** JWK "crv", when node:crypto can build the key. */
  jwk: 'P-256' | 'P-384' | 'P-521' | null
  bits: number
  /** CKA_EC_PARAMS: the curve's namedCurve OID, DER-encoded. */
  params: Buffer
}

const CURVES: Record<string, EcCurve> = {
  '1.2.840.10045.3.1.7': { name: 'P-256', jwk: 'P-256', bits: 256, params: Buffer.from('06082a8648ce3d030107', 'hex') },
  '1.3.132.0.34': { name: 'P-384', jwk: 'P-384', bits: 384, params: Buffer.from('06052b81040022', 'hex') },
  '1.3.132.0.35': { name: 'P-521', jwk: 'P-521', bits: 521, params: Buffer.from('06052b81040023', 'hex') },
  // GM/T 0006: the SM2 curve, on most Chinese bank keys (vendor modules only; SoftHSM has none).
  '1.2.156.10197.1.301': { name: 'SM2', jwk: null, bits: 256, params: Buffer.from('06082a811ccf5501822d', 'hex') },
}

export function curveByName(name: 'P-256' | 'P-384'): EcCurve {
  return Object.values(CURVES).find((c) => c.name === name)!
}

/** The curve named by CKA_EC_PARAMS (a namedCurve OID; explicit parameters are not supported). */
export function curveOfParams(params: Buffer): EcCurve | undefined {
  try {
    const t = expect(params, 0, params.length, TAG.OID, 'CKA_EC_PARAMS')
    return CURVES[oidText(params, t)]
  } catch {
    return undefined
  }
}

const b64url = (b: Buffer): string => b.toString('base64url')

function unsigned(b: Buffer): Buffer {
  let i = 0
  while (i < b.length - 1 && b[i] === 0) i++
  return b.subarray(i)
}

/** SubjectPublicKeyInfo DER from CKA_MODULUS and CKA_PUBLIC_EXPONENT. */
export function rsaSpki(modulus: Buffer, exponent: Buffer): Buffer {
  return createPublicKey({ key: { kty: 'RSA', n: b64url(unsigned(modulus)), e: b64url(unsigned(exponent)) }, format: 'jwk' }).export({ type: 'spki', format: 'der' })
}

/**
 * SubjectPublicKeyInfo DER from CKA_EC_PARAMS and CKA_EC_POINT. PKCS#11 says the
 * point is a DER OCTET STRING around the uncompressed point (04 || x || y);
 * some modules return the bare point, so both are accepted.
 */
export function ecSpki(params: Buffer, point: Buffer): Buffer {
  const curve = curveOfParams(params)
  if (!curve?.jwk) throw new UkeyError('PKCS11_FUNCTION_NOT_SUPPORTED', { params: { detail: `EC curve ${curve?.name ?? params.toString('hex')}` } })
  const size = Math.ceil(curve.bits / 8)
  let raw = point
  if (!(point.length === 1 + 2 * size && point[0] === 0x04)) {
    try {
      const t = expect(point, 0, point.length, TAG.OCTET_STRING, 'CKA_EC_POINT')
      if (t.end !== point.length) throw new DerError('malformed', 'bytes after CKA_EC_POINT')
      raw = point.subarray(t.start, t.end)
    } catch (e) {
      throw new UkeyError('PKCS11_DEVICE_ERROR', { params: { detail: `CKA_EC_POINT: ${(e as Error).message}` }, cause: e })
    }
  }
  if (raw.length !== 1 + 2 * size || raw[0] !== 0x04) {
    throw new UkeyError('PKCS11_DEVICE_ERROR', { params: { detail: `CKA_EC_POINT is not an uncompressed ${curve.name} point` } })
  }
  const x = raw.subarray(1, 1 + size)
  const y = raw.subarray(1 + size)
  return createPublicKey({ key: { kty: 'EC', crv: curve.jwk, x: b64url(x), y: b64url(y) }, format: 'jwk' }).export({ type: 'spki', format: 'der' })
}

/** Bits of an RSA modulus as stored (CKA_MODULUS, big-endian, maybe with a leading zero). */
export function modulusBits(modulus: Buffer): number {
  const m = unsigned(modulus)
  return m.length === 0 || m[0] === 0 ? 0 : (m.length - 1) * 8 + (32 - Math.clz32(m[0]!))
}
