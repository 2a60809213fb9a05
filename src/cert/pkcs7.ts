import { DerError, TAG, expect, readTlv, type Tlv } from './der.js'

// 1.2.840.113549.1.7.2 signedData (RFC 2315 9.1 / RFC 5652 5.1)
const SIGNED_DATA = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]

function isOid(buf: Uint8Array, tlv: Tlv, want: number[]): boolean {
  if (tlv.tag !== TAG.OID || tlv.end - tlv.start !== want.length) return false
  for (let i = 0; i < want.length; i++) if (buf[tlv.start + i] !== want[i]) return false
  return true
}

/** True when the bytes start like a PKCS#7 / CMS SignedData ContentInfo. */
export function looksLikePkcs7(buf: Uint8Array): boolean {
  try {
    const ci = readTlv(buf, 0)
    if (ci.tag !== TAG.SEQUENCE) return false
    return isOid(buf, readTlv(buf, ci.start, ci.end), SIGNED_DATA)
  } catch {
    return false
  }
}

/**
 * The certificates of a certs-only SignedData (.p7b / .p7c), as
 * [start, end) ranges into `buf`, in bundle order.
 */
export function pkcs7CertificateRanges(buf: Uint8Array): Array<[number, number]> {
  const ci = expect(buf, 0, buf.length, TAG.SEQUENCE, 'ContentInfo')
  if (ci.next !== buf.length) throw new DerError('malformed', 'bytes after the PKCS#7 ContentInfo')
  const type = expect(buf, ci.start, ci.end, TAG.OID, 'contentType')
  if (!isOid(buf, type, SIGNED_DATA)) throw new DerError('malformed', 'PKCS#7 content is not signedData')
  const explicit = expect(buf, type.next, ci.end, TAG.CONTEXT_0, 'content')
  const sd = expect(buf, explicit.start, explicit.end, TAG.SEQUENCE, 'SignedData')
  const version = expect(buf, sd.start, sd.end, TAG.INTEGER, 'version')
  const digestAlgs = expect(buf, version.next, sd.end, TAG.SET, 'digestAlgorithms')
  const encap = expect(buf, digestAlgs.next, sd.end, TAG.SEQUENCE, 'encapContentInfo')
  if (encap.next >= sd.end) return []
  const certs = readTlv(buf, encap.next, sd.end)
  if (certs.tag !== TAG.CONTEXT_0) return [] // [1] crls or signerInfos: no certificates
  const out: Array<[number, number]> = []
  let p = certs.start
  while (p < certs.end) {
    const c = readTlv(buf, p, certs.end)
    // CertificateChoices: only the plain Certificate (a SEQUENCE); attribute certs are not ours.
    if (c.tag === TAG.SEQUENCE) out.push([p, c.next])
    p = c.next
  }
  return out
}
