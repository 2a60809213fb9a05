import { DerError, TAG, children, expect, hex, oidText, readTlv, stringValue, timeValue, type Tlv } from './der.js'
import { checkCertificateSize } from './limits.js'

/** The fields a window check needs, read straight from the DER (RFC 5280 4.1). */
export interface CertSummary {
  /** Serial number as lower-case hex, without leading zero octets. */
  serial: string
  subjectCN: string | null
  issuerCN: string | null
  notBefore: Date
  notAfter: Date
  keyAlgorithm: KeyAlgorithm
  /** The certificate's own DER bytes (a view into the input, not a copy). */
  der: Uint8Array
}

export type KeyAlgorithm = 'RSA' | 'EC P-256' | 'EC P-384' | 'EC P-521' | 'EC' | 'SM2' | 'Ed25519' | 'Ed448' | 'DSA' | string

// OIDs compared as content octets: faster than decoding to text for every certificate.
const CN = [0x55, 0x04, 0x03] // 2.5.4.3 commonName

const KEY_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.1': 'RSA',
  '1.2.840.113549.1.1.10': 'RSA-PSS',
  '1.2.840.10045.2.1': 'EC',
  '1.2.840.10040.4.1': 'DSA',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
  // Some Chinese CAs put the SM2 curve OID as the algorithm itself (GM/T 0015).
  '1.2.156.10197.1.301': 'SM2',
}
const CURVES: Record<string, string> = {
  '1.2.840.10045.3.1.7': 'EC P-256',
  '1.3.132.0.34': 'EC P-384',
  '1.3.132.0.35': 'EC P-521',
  '1.2.156.10197.1.301': 'SM2',
}

function sameBytes(buf: Uint8Array, tlv: Tlv, want: number[]): boolean {
  if (tlv.end - tlv.start !== want.length) return false
  for (let i = 0; i < want.length; i++) if (buf[tlv.start + i] !== want[i]) return false
  return true
}

/** Last commonName in a Name: the most specific one, as openssl and browsers show it. */
function commonName(buf: Uint8Array, name: Tlv): string | null {
  let cn: string | null = null
  let p = name.start
  while (p < name.end) {
    const rdn = expect(buf, p, name.end, TAG.SET, 'RDN')
    let q = rdn.start
    while (q < rdn.end) {
      const atv = expect(buf, q, rdn.end, TAG.SEQUENCE, 'attribute')
      const type = expect(buf, atv.start, atv.end, TAG.OID, 'attribute type')
      if (sameBytes(buf, type, CN)) cn = stringValue(buf, readTlv(buf, type.next, atv.end))
      q = atv.next
    }
    p = rdn.next
  }
  return cn
}

function keyAlgorithm(buf: Uint8Array, spki: Tlv): KeyAlgorithm {
  const algId = expect(buf, spki.start, spki.end, TAG.SEQUENCE, 'subjectPublicKeyInfo.algorithm')
  const oid = oidText(buf, expect(buf, algId.start, algId.end, TAG.OID, 'key algorithm'))
  const name = KEY_ALGORITHMS[oid] ?? oid
  if (name !== 'EC') return name
  const params = readTlv(buf, expect(buf, algId.start, algId.end, TAG.OID, 'key algorithm').next, algId.end)
  return params.tag === TAG.OID ? (CURVES[oidText(buf, params)] ?? 'EC') : 'EC'
}

/**
 * Reads one certificate starting at `pos`. With `exact`, the certificate must fill
 * the buffer to `limit` (a DER file); otherwise trailing bytes belong to the caller.
 * Throws DerError on anything that is not a well-formed certificate.
 */
export function readCertSummary(buf: Uint8Array, pos = 0, limit = buf.length, exact = true): CertSummary {
  const cert = expect(buf, pos, limit, TAG.SEQUENCE, 'Certificate')
  checkCertificateSize(cert.next - pos)
  if (exact && cert.next !== limit) throw new DerError('malformed', `${limit - cert.next} bytes after the certificate`)
  const tbs = expect(buf, cert.start, cert.end, TAG.SEQUENCE, 'TBSCertificate')
  const sigAlg = expect(buf, tbs.next, cert.end, TAG.SEQUENCE, 'signatureAlgorithm')
  const sig = expect(buf, sigAlg.next, cert.end, TAG.BIT_STRING, 'signatureValue')
  if (sig.next !== cert.end) throw new DerError('malformed', 'extra data inside Certificate')

  let p = tbs.start
  let el = readTlv(buf, p, tbs.end)
  if (el.tag === TAG.CONTEXT_0) {
    const v = expect(buf, el.start, el.end, TAG.INTEGER, 'version')
    if (v.end - v.start !== 1 || buf[v.start]! > 2) throw new DerError('malformed', 'unknown certificate version')
    p = el.next
    el = readTlv(buf, p, tbs.end)
  }
  if (el.tag !== TAG.INTEGER || el.end === el.start) throw new DerError('malformed', 'serialNumber missing')
  let s = el.start
  while (s < el.end - 1 && buf[s] === 0) s++
  const serial = hex(buf, s, el.end)

  const signature = expect(buf, el.next, tbs.end, TAG.SEQUENCE, 'signature')
  const issuer = expect(buf, signature.next, tbs.end, TAG.SEQUENCE, 'issuer')
  const validity = expect(buf, issuer.next, tbs.end, TAG.SEQUENCE, 'validity')
  const [nb, na, ...rest] = children(buf, validity)
  if (!nb || !na || rest.length) throw new DerError('malformed', 'validity is not two times')
  const subject = expect(buf, validity.next, tbs.end, TAG.SEQUENCE, 'subject')
  const spki = expect(buf, subject.next, tbs.end, TAG.SEQUENCE, 'subjectPublicKeyInfo')

  const notBefore = timeValue(buf, nb)
  const notAfter = timeValue(buf, na)
  return {
    serial,
    subjectCN: commonName(buf, subject),
    issuerCN: commonName(buf, issuer),
    notBefore: new Date(notBefore),
    notAfter: new Date(notAfter),
    keyAlgorithm: keyAlgorithm(buf, spki),
    der: buf.subarray(pos, cert.next),
  }
}
