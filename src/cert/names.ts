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

/** The value at `pos` (its element `tlv`). */
function attributeValue(buf: Uint8Array, pos: number, tlv: Tlv): string {
  if (STRING_TAGS.has(tlv.tag)) {
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
  // The issuers of a bundle are a handful of CAs: their names are decoded once, keyed by their bytes
  // (ordinary-sized names only: a 1 MB subject is not kept).
  if (name.end - name.start > MEMO_MAX_BYTES) return formatName(buf, name)
  const key = Buffer.from(buf.buffer, buf.byteOffset + name.start, name.end - name.start).toString('latin1')
  let text = recent.get(key)
  if (text === undefined) {
    text = formatName(buf, name)
    if (recent.size >= RECENT_NAMES) recent.clear()
    recent.set(key, text)
  }
  return text
}

const RECENT_NAMES = 64
const MEMO_MAX_BYTES = 1024
const recent = new Map<string, string>()

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
      const oid = oidText(buf, type)
      parts.push(`${ATTRIBUTE_NAMES[oid] ?? oid}=${attributeValue(buf, type.next, value)}`)
      q = atv.next
    }
    rdns.push(parts.join('+'))
    p = rdn.next
  }
  return rdns.reverse().join(',')
}
