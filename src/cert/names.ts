import { DerError, TAG, expect, hex, oidText, readTlv, stringValue, type Tlv } from './der.js'

// Attribute names as @peculiar/x509 printed them before this decoder replaced it
// in show-cert (and as RFC 4514 3 names the first seven), plus serialNumber, which
// Chinese bank certificates carry (GB/T 20518 subjects) and which was a bare OID.
const ATTRIBUTE_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.6': 'C',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
  '2.5.4.9': 'STREET',
  '1.2.840.113549.1.9.1': 'E',
  '2.5.4.42': 'G',
  '2.5.4.43': 'I',
  '2.5.4.4': 'SN',
  '2.5.4.12': 'T',
  '2.5.4.5': 'serialNumber',
}

const STRING_TAGS = new Set<number>([TAG.UTF8_STRING, TAG.PRINTABLE_STRING, TAG.IA5_STRING, TAG.T61_STRING, TAG.BMP_STRING, TAG.UNIVERSAL_STRING])

/** RFC 4514 2.4: the characters a value escapes, and a leading "#" or space, a trailing space. */
const SPECIAL = /[\\",+;<>\0]|^[# ]| $/

function escapeValue(v: string): string {
  if (!SPECIAL.test(v)) return v
  let s = v.replace(/[\\",+;<>]/g, '\\$&').replace(/\0/g, '\\00')
  if (s.startsWith('#') || s.startsWith(' ')) s = '\\' + s
  // A trailing space is the value's own last character (spaces are not otherwise escaped).
  if (v.length > 1 && v.endsWith(' ')) s = s.slice(0, -1) + '\\ '
  return s
}

function asciiText(buf: Uint8Array, start: number, end: number): string | null {
  let s = ''
  for (let i = start; i < end; i++) {
    const b = buf[i]!
    if (b >= 0x80) return null
    s += String.fromCharCode(b)
  }
  return s
}

/** The value at `pos` (its element `tlv`). */
function attributeValue(buf: Uint8Array, pos: number, tlv: Tlv): string {
  if (STRING_TAGS.has(tlv.tag)) {
    // ASCII in a one-byte string type reads the same in all of them: no decoder call
    // (its set-up costs more than the loop for a name's short values, on every certificate of a batch).
    if (tlv.tag !== TAG.BMP_STRING && tlv.tag !== TAG.UNIVERSAL_STRING) {
      const ascii = asciiText(buf, tlv.start, tlv.end)
      if (ascii !== null) return escapeValue(ascii)
    }
    try {
      return escapeValue(stringValue(buf, tlv))
    } catch {
      // A string the CA mis-encoded (bad UTF-8): its bytes, as RFC 4514 2.4 writes a value it cannot show.
    }
  }
  // RFC 4514 2.4: "#" and the hex of the value's whole encoding.
  return '#' + hex(buf, pos, tlv.end)
}

/**
 * A Name (RFC 5280 4.1.2.4) exactly as RFC 4514 2.1 writes it: most specific RDN
 * first, joined by "," with no space ("CN=张三,OU=个人网银,O=测试银行,C=CN"), as
 * openssl -nameopt RFC2253 prints it; multi-valued RDNs joined with "+". The one
 * DN format of every output (docs/json.md), so a script compares names as strings.
 * Values are exact apart from RFC 4514's own escapes: a terminal shows them
 * through output/terminal-text.ts.
 */
export function distinguishedName(buf: Uint8Array, name: Tlv): string {
  return formatName(buf, name)
}

/**
 * distinguishedName for the names many certificates share (their issuers: a
 * batch has a handful of CAs), kept by their bytes: a match costs a length check
 * and a byte compare, where decoding costs an OID and a string per attribute.
 * Subjects are unique: they skip this (a copy of each would cost more than it saves).
 */
export function sharedDistinguishedName(buf: Uint8Array, name: Tlv): string {
  const len = name.end - name.start
  if (len > MEMO_MAX_BYTES) return formatName(buf, name)
  const bytes = buf.subarray(name.start, name.end)
  for (const r of recent) if (r.bytes.length === len && Buffer.compare(r.bytes, bytes) === 0) return r.text
  const text = formatName(buf, name)
  recent[next] = { bytes: Buffer.from(bytes), text }
  next = (next + 1) % RECENT_NAMES
  return text
}

const RECENT_NAMES = 8
const MEMO_MAX_BYTES = 1024
const recent: Array<{ bytes: Buffer; text: string }> = []
let next = 0

// The attribute types of nearly every name are 2.5.4.x (X.520): three content octets 55 04 x.
const X520 = new Map<number, string>(Object.entries(ATTRIBUTE_NAMES).filter(([oid]) => /^2\.5\.4\.\d+$/.test(oid) && Number(oid.slice(6)) < 128).map(([oid, n]) => [Number(oid.slice(6)), n]))

function attributeName(buf: Uint8Array, type: Tlv): string {
  if (type.end - type.start === 3 && buf[type.start] === 0x55 && buf[type.start + 1] === 0x04) {
    const known = X520.get(buf[type.start + 2]!)
    if (known) return known
  }
  const oid = oidText(buf, type)
  return ATTRIBUTE_NAMES[oid] ?? oid
}

function formatName(buf: Uint8Array, name: Tlv): string {
  const rdns: string[] = []
  let p = name.start
  while (p < name.end) {
    const rdn = expect(buf, p, name.end, TAG.SET, 'RDN')
    const parts: string[] = []
    let q = rdn.start
    while (q < rdn.end) {
      const atv = expect(buf, q, rdn.end, TAG.SEQUENCE, 'attribute')
      const type = expect(buf, atv.start, atv.end, TAG.OID, 'attribute type')
      const value = readTlv(buf, type.next, atv.end)
      if (value.next !== atv.end) throw new DerError('malformed', 'attribute with more than one value')
      parts.push(`${attributeName(buf, type)}=${attributeValue(buf, type.next, value)}`)
      q = atv.next
    }
    rdns.push(parts.join('+'))
    p = rdn.next
  }
  return rdns.reverse().join(',')
}
