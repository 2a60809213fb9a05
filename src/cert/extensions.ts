import { DerError, TAG, expect, hex, oidText, readTlv, stringValue, type Tlv } from './der.js'
import { distinguishedName } from './names.js'

// The certificate extensions show-cert names (RFC 5280 4.2.1), read straight
// from the DER with der.ts: the same walker, and so the same limits, as the
// window check's reader (limits.ts). A full ASN.1 decoder cost ~3 ms and ~10
// objects per node per certificate: 10,000 certificates took 16 s and 210 MB.

/** Key identifiers in lower-case hex, as every hex value in ukey's JSON (docs/json.md). */
export interface CertExtensions {
  keyUsage: string[] | null
  extendedKeyUsage: string[] | null
  subjectAltNames: string[]
  subjectKeyIdentifier: string | null
  authorityKeyIdentifier: string | null
  isCA: boolean
}

const EXT = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
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

// KeyUsage BIT STRING, bit 0 first (RFC 5280 4.2.1.3).
const KEY_USAGE_BITS = [
  'digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment',
  'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly',
]

// GeneralName (RFC 5280 4.2.1.6) tags, context-specific; directoryName and otherName are constructed.
const GN = { otherName: 0xa0, rfc822Name: 0x81, dNSName: 0x82, directoryName: 0xa4, uri: 0x86, ipAddress: 0x87, registeredID: 0x88 }
// Microsoft's otherNames (the UPN of smart-card logon, the GUID of a domain object).
const ID_UPN = '1.3.6.1.4.1.311.20.2.3'
const ID_GUID = '1.3.6.1.4.1.311.25.1'

const NONE: CertExtensions = { keyUsage: null, extendedKeyUsage: null, subjectAltNames: [], subjectKeyIdentifier: null, authorityKeyIdentifier: null, isCA: false }

/** The extensions of a TBSCertificate, from the element after subjectPublicKeyInfo to its end. */
export function certExtensions(buf: Uint8Array, from: number, tbsEnd: number): CertExtensions {
  let p = from
  let exts: Tlv | undefined
  while (p < tbsEnd) {
    const el = readTlv(buf, p, tbsEnd)
    // [1] issuerUniqueID and [2] subjectUniqueID (v2) come first; [3] holds the extensions (v3).
    if (el.tag === TAG.CONTEXT_3) exts = expect(buf, el.start, el.end, TAG.SEQUENCE, 'extensions')
    p = el.next
  }
  if (!exts) return { ...NONE }
  const out: CertExtensions = { ...NONE }
  p = exts.start
  while (p < exts.end) {
    const ext = expect(buf, p, exts.end, TAG.SEQUENCE, 'extension')
    const id = expect(buf, ext.start, ext.end, TAG.OID, 'extnID')
    let v = readTlv(buf, id.next, ext.end)
    if (v.tag === TAG.BOOLEAN) v = readTlv(buf, v.next, ext.end)
    if (v.tag !== TAG.OCTET_STRING) throw new DerError('malformed', 'extnValue is not an OCTET STRING')
    const value = readTlv(buf, v.start, v.end)
    switch (oidText(buf, id)) {
      case EXT.keyUsage:
        out.keyUsage = keyUsage(buf, value)
        break
      case EXT.extKeyUsage:
        out.extendedKeyUsage = sequenceOf(buf, value, TAG.OID).map((o) => EKU_NAMES[oidText(buf, o)] ?? oidText(buf, o))
        break
      case EXT.subjectAltName:
        out.subjectAltNames = sequenceOf(buf, value).map((gn) => generalName(buf, gn))
        break
      case EXT.subjectKeyIdentifier:
        if (value.tag !== TAG.OCTET_STRING) throw new DerError('malformed', 'subjectKeyIdentifier is not an OCTET STRING')
        out.subjectKeyIdentifier = hex(buf, value.start, value.end)
        break
      case EXT.authorityKeyIdentifier: {
        // [0] IMPLICIT KeyIdentifier, when present, is the first field.
        const first = value.start < value.end ? readTlv(buf, value.start, value.end) : undefined
        out.authorityKeyIdentifier = first?.tag === 0x80 ? hex(buf, first.start, first.end) : null
        break
      }
      case EXT.basicConstraints: {
        const first = value.start < value.end ? readTlv(buf, value.start, value.end) : undefined
        out.isCA = first?.tag === TAG.BOOLEAN && buf[first.start] !== 0
        break
      }
    }
    p = ext.next
  }
  return out
}

function sequenceOf(buf: Uint8Array, seq: Tlv, tag?: number): Tlv[] {
  if (seq.tag !== TAG.SEQUENCE) throw new DerError('malformed', 'expected a SEQUENCE')
  const items: Tlv[] = []
  for (let p = seq.start; p < seq.end; ) {
    const item = tag === undefined ? readTlv(buf, p, seq.end) : expect(buf, p, seq.end, tag, 'item')
    items.push(item)
    p = item.next
  }
  return items
}

function keyUsage(buf: Uint8Array, bits: Tlv): string[] {
  if (bits.tag !== TAG.BIT_STRING || bits.end <= bits.start) throw new DerError('malformed', 'keyUsage is not a BIT STRING')
  const set = (i: number): boolean => {
    const byte = bits.start + 1 + (i >> 3)
    return byte < bits.end && ((buf[byte]! >> (7 - (i & 7))) & 1) === 1
  }
  return KEY_USAGE_BITS.filter((_, i) => set(i))
}

/** "type:value" as show-cert has always written a subject alternative name. */
function generalName(buf: Uint8Array, gn: Tlv): string {
  const text = (): string => stringValue(buf, { ...gn, tag: TAG.IA5_STRING })
  switch (gn.tag) {
    case GN.dNSName:
      return `dns:${text()}`
    case GN.rfc822Name:
      return `email:${text()}`
    case GN.uri:
      return `url:${text()}`
    case GN.ipAddress:
      return `ip:${ipAddress(buf, gn)}`
    case GN.registeredID:
      return `id:${oidText(buf, gn)}`
    case GN.directoryName:
      return `dn:${distinguishedName(buf, expect(buf, gn.start, gn.end, TAG.SEQUENCE, 'directoryName'))}`
    case GN.otherName: {
      const type = expect(buf, gn.start, gn.end, TAG.OID, 'otherName type')
      const oid = oidText(buf, type)
      const wrapped = readTlv(buf, type.next, gn.end)
      const inner = wrapped.tag === TAG.CONTEXT_0 ? readTlv(buf, wrapped.start, wrapped.end) : undefined
      if (oid === ID_UPN && inner) return `upn:${stringValue(buf, inner)}`
      if (oid === ID_GUID && inner?.tag === TAG.OCTET_STRING && inner.end - inner.start === 16) return `guid:${guid(buf, inner.start)}`
      return `other:${oid}`
    }
    default:
      // x400Address [3], ediPartyName [5]: named, not decoded.
      return `tag${gn.tag & 0x1f}:#${hex(buf, gn.start, gn.end)}`
  }
}

function ipAddress(buf: Uint8Array, tlv: Tlv): string {
  const n = tlv.end - tlv.start
  if (n === 4) return Array.from(buf.subarray(tlv.start, tlv.end)).join('.')
  if (n !== 16) return hex(buf, tlv.start, tlv.end)
  const groups: number[] = []
  for (let i = tlv.start; i < tlv.end; i += 2) groups.push((buf[i]! << 8) | buf[i + 1]!)
  // RFC 5952 4.2: the longest run of two or more zero groups becomes "::".
  let best = -1
  let bestLen = 1
  for (let i = 0; i < 8; ) {
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLen) [best, bestLen] = [i, j - i]
    i = j === i ? i + 1 : j
  }
  const h = groups.map((g) => g.toString(16))
  return best < 0 ? h.join(':') : `${h.slice(0, best).join(':')}::${h.slice(best + bestLen).join(':')}`
}

/** A GUID as Windows writes it: the first three fields little-endian. */
function guid(buf: Uint8Array, p: number): string {
  const le = (a: number, b: number): string => hex(buf.slice(p + a, p + b).reverse(), 0, b - a)
  return `${le(0, 4)}-${le(4, 6)}-${le(6, 8)}-${hex(buf, p + 8, p + 10)}-${hex(buf, p + 10, p + 16)}`
}
