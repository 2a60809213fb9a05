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
  // Buffer#compare with offsets: no view to make, and memcmp, where a byte loop in JS costs ~4 ns a byte here.
  for (const r of recent) if (r.bytes.length === len && r.bytes.compare(buf, name.start, name.end) === 0) return r.text
  const text = formatName(buf, name)
  recent[next] = { bytes: Buffer.from(buf.subarray(name.start, name.end)), text }
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
  return formatShortName(buf, name.start, name.end) ?? formatAnyName(buf, name)
}

/** Any name, element by element: the general reader, and the reference test/unit/render-fast-paths.test.ts holds formatName to. */
export function formatAnyName(buf: Uint8Array, name: Tlv): string {
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

/**
 * formatAnyName for the names nearly every certificate has: every element in DER's
 * short form (under 128 bytes), read off the bytes with no element objects or arrays,
 * no regular expression and no TextDecoder for a short value. Subject names are unique
 * to each certificate of a batch: a subject of the bench corpus took 1.45 µs here before,
 * 0.73 µs now; certIdentity 3.0 → 1.9 µs (20,000 certificates, best of 5).
 * undefined for anything else (a long form, a damaged element): formatAnyName then
 * writes it or throws as it always did. A non-ASCII value goes through attributeValue.
 */
function formatShortName(buf: Uint8Array, start: number, end: number): string | undefined {
  return shortName(buf, start, end, false)
}

/**
 * A Name as NDJSON writes it, read straight off the DER: JSON.stringify of
 * distinguishedName and of the Name's last commonName (summary.ts's commonName,
 * `cnJson`), both as UTF-8 octets (output/octets.ts). A UTF8String's bytes are
 * already the octets of its text: they are checked (as shortUtf8Value checks them) and
 * copied, not decoded into UTF-16 and encoded back (issue 16: a Chinese name made every
 * record of a batch a two-byte string). Only for names formatShortName reads whose
 * every value is plain (plainOctets); undefined for anything else: the caller then
 * makes the text the general way and converts it. test/unit/render-fast-paths.test.ts
 * holds the two equal.
 */
export function nameJsonOctets(buf: Uint8Array, start: number, end: number): string | undefined {
  lastCn = 'null'
  const dn = shortName(buf, start, end, true)
  if (dn === undefined) return undefined
  cnJson = lastCn === 'null' ? 'null' : '"' + lastCn + '"'
  return '"' + dn + '"'
}

/** The last nameJsonOctets' commonName as JSON octets ("null" without one): read it right after the call. */
export let cnJson = 'null'
let lastCn = 'null'

/**
 * The walk of formatShortName and nameJsonOctets: every element in DER's short form,
 * read off the bytes. `octets`: each value as plainOctets gives it (and the last CN kept
 * in lastCn), undefined at the first one that is not plain; otherwise as text.
 */
function shortName(buf: Uint8Array, start: number, end: number, octets: boolean): string | undefined {
  let out = ''
  let p = start
  while (p < end) {
    if (p + 2 > end || buf[p] !== TAG.SET || buf[p + 1]! >= 0x80) return undefined
    const rdnEnd = p + 2 + buf[p + 1]!
    if (rdnEnd > end) return undefined
    let rdn = ''
    let q = p + 2
    while (q < rdnEnd) {
      // AttributeTypeAndValue: SEQUENCE { OID, value }, the value ending the SEQUENCE.
      if (q + 4 > rdnEnd || buf[q] !== TAG.SEQUENCE || buf[q + 1]! >= 0x80 || buf[q + 2] !== TAG.OID || buf[q + 3]! >= 0x80) return undefined
      const atvEnd = q + 2 + buf[q + 1]!
      const typeStart = q + 4
      const at = typeStart + buf[q + 3]!
      if (atvEnd > rdnEnd || at + 2 > atvEnd) return undefined
      const tag = buf[at]!
      if ((tag & 0x1f) === 0x1f || buf[at + 1]! >= 0x80 || at + 2 + buf[at + 1]! !== atvEnd) return undefined
      const x520 = typeStart + 3 === at && buf[typeStart] === 0x55 && buf[typeStart + 1] === 0x04 ? buf[typeStart + 2]! : -1
      let attr = x520 >= 0 ? X520.get(x520) : undefined
      if (attr === undefined) {
        try {
          attr = attributeName(buf, { tag: TAG.OID, start: typeStart, end: at, next: at })
        } catch (e) {
          // A malformed OID: for octets the general way writes the name as it decides; as text it throws as it always did.
          if (octets) return undefined
          throw e
        }
      }
      const oneByte = tag === TAG.PRINTABLE_STRING || tag === TAG.UTF8_STRING || tag === TAG.IA5_STRING || tag === TAG.T61_STRING
      let value: string | undefined
      if (octets) {
        value = oneByte ? plainOctets(buf, at + 2, atvEnd, tag === TAG.UTF8_STRING) : undefined
        if (value === undefined) return undefined
        if (x520 === 3) lastCn = value
      } else {
        if (oneByte) {
          value = asciiValue(buf, at + 2, atvEnd)
          if (value === undefined && tag === TAG.UTF8_STRING) value = shortUtf8Value(buf, at + 2, atvEnd)
        }
        value ??= attributeValue(buf, at, { tag, start: at + 2, end: atvEnd, next: atvEnd })
      }
      rdn = q === p + 2 ? attr + '=' + value : rdn + '+' + attr + '=' + value
      q = atvEnd
    }
    // RFC 4514 2.1: the last RDN of the sequence first.
    out = p === start ? rdn : rdn + ',' + out
    p = rdnEnd
  }
  return out
}

/**
 * A value's UTF-8 octets (one char a byte) when it is plain: PrintableString, IA5String,
 * T61String or UTF8String, ASCII (or, in a UTF8String, well-formed UTF-8 of up to three
 * bytes a character, as shortUtf8Value takes it), with no character RFC 4514 escapes
 * (\ " , + ; < > NUL, a leading "#" or space, a trailing space) and none JSON escapes
 * (controls below U+0020): such a value is its own text in the DN, in the CN and in
 * JSON. Else undefined. Checked byte by byte, then taken in one piece.
 */
function plainOctets(buf: Uint8Array, from: number, to: number, utf8: boolean): string | undefined {
  if (from < to && (buf[from] === 0x23 || buf[from] === 0x20 || buf[to - 1] === 0x20)) return undefined
  // A byte order mark: TextDecoder drops it, so the text is not the bytes.
  if (utf8 && buf[from] === 0xef && buf[from + 1] === 0xbb && buf[from + 2] === 0xbf) return undefined
  let i = from
  while (i < to) {
    const b = buf[i]!
    if (b < 0x80) {
      // Controls (JSON escapes them) and RFC 4514's specials: \ " , + ; < >
      if (b < 0x20 || b === 0x5c || b === 0x22 || b === 0x2c || b === 0x2b || b === 0x3b || b === 0x3c || b === 0x3e) return undefined
      i++
    } else if (!utf8) return undefined
    else if (b >= 0xc2 && b <= 0xdf) {
      if (i + 2 > to || (buf[i + 1]! & 0xc0) !== 0x80) return undefined
      i += 2
    } else if (b >= 0xe0 && b <= 0xef) {
      const b1 = buf[i + 1]!
      if (i + 3 > to || (b1 & 0xc0) !== 0x80 || (buf[i + 2]! & 0xc0) !== 0x80) return undefined
      // E0 80–9F would be overlong; ED A0–BF a UTF-16 surrogate.
      if ((b === 0xe0 && b1 < 0xa0) || (b === 0xed && b1 >= 0xa0)) return undefined
      i += 3
    } else return undefined
  }
  // One string for the value (a character at a time made one string per character).
  return latin1Slice.call(buf, from, to)
}

// Buffer's own, for the DER view whatever its class (a Buffer from the reading thread, a Uint8Array from elsewhere).
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice(this: Uint8Array, start: number, end: number): string }).latin1Slice

/** The value's text when all its bytes are ASCII (the same in every one-byte string type), escaped as RFC 4514 2.4 says. */
function asciiValue(buf: Uint8Array, from: number, to: number): string | undefined {
  let special = from < to && (buf[from] === 0x23 || buf[from] === 0x20 || buf[to - 1] === 0x20)
  let v = ''
  for (let i = from; i < to; i++) {
    const b = buf[i]!
    if (b >= 0x80) return undefined
    // \ " , + ; < > NUL
    if (b === 0x5c || b === 0x22 || b === 0x2c || b === 0x2b || b === 0x3b || b === 0x3c || b === 0x3e || b === 0) special = true
    v += String.fromCharCode(b)
  }
  return special ? escapeValue(v) : v
}

/**
 * A UTF8String of characters up to U+FFFF (Chinese names: three bytes each) decoded
 * here, escaped as RFC 4514 2.4 says: ~0.05 µs where TextDecoder costs ~0.2 µs a call.
 * Only well-formed sequences (RFC 3629 4: no overlong form, no surrogate), which decode
 * to the same text as der.ts's fatal TextDecoder; undefined for anything else (a
 * four-byte sequence, a byte order mark, which TextDecoder drops, a damaged value):
 * attributeValue decides.
 */
function shortUtf8Value(buf: Uint8Array, from: number, to: number): string | undefined {
  if (buf[from] === 0xef && buf[from + 1] === 0xbb && buf[from + 2] === 0xbf) return undefined
  let v = ''
  let special = false
  let i = from
  while (i < to) {
    const b = buf[i]!
    if (b < 0x80) {
      if (b === 0x5c || b === 0x22 || b === 0x2c || b === 0x2b || b === 0x3b || b === 0x3c || b === 0x3e || b === 0) special = true
      v += String.fromCharCode(b)
      i++
    } else if (b >= 0xc2 && b <= 0xdf) {
      const b1 = buf[i + 1]!
      if (i + 2 > to || (b1 & 0xc0) !== 0x80) return undefined
      v += String.fromCharCode(((b & 0x1f) << 6) | (b1 & 0x3f))
      i += 2
    } else if (b >= 0xe0 && b <= 0xef) {
      const b1 = buf[i + 1]!
      const b2 = buf[i + 2]!
      if (i + 3 > to || (b1 & 0xc0) !== 0x80 || (b2 & 0xc0) !== 0x80) return undefined
      // E0 80–9F would be overlong; ED A0–BF a UTF-16 surrogate.
      if ((b === 0xe0 && b1 < 0xa0) || (b === 0xed && b1 >= 0xa0)) return undefined
      v += String.fromCharCode(((b & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f))
      i += 3
    } else return undefined
  }
  if (v.startsWith('#') || v.startsWith(' ') || v.endsWith(' ')) special = true
  return special ? escapeValue(v) : v
}
