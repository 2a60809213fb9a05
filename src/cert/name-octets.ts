import { TAG } from './der.js'
import { attributeName, X520 } from './names.js'

/**
 * A Name as NDJSON writes it, read straight off the DER: JSON.stringify of
 * distinguishedName (names.ts) and of the Name's last commonName (summary.ts's
 * commonName, `cnJson`), both as UTF-8 octets (output/octets.ts). A UTF8String's bytes
 * are already the octets of its text: they are checked (as names.ts's shortUtf8Value
 * checks them) and copied, not decoded into UTF-16 and encoded back (issue 16: a
 * Chinese name made every record of a batch a two-byte string).
 * Only for names formatShortName reads (every element in DER's short form) whose every
 * value is plain: PrintableString, IA5String, T61String or UTF8String, ASCII (or, in
 * a UTF8String, well-formed UTF-8 of up to three bytes a character), with no character
 * RFC 4514 escapes (\ " , + ; < > NUL, a leading "#" or space, a trailing space) and
 * none JSON escapes (controls below U+0020): such a value is its own text in the DN,
 * in the CN and in JSON. undefined for anything else: the caller then makes the text
 * the general way and converts it. test/unit/name-octets.test.ts holds the two equal.
 */
export function nameJsonOctets(buf: Uint8Array, start: number, end: number): string | undefined {
  let out = ''
  let cn = 'null'
  let p = start
  while (p < end) {
    if (p + 2 > end || buf[p] !== TAG.SET || buf[p + 1]! >= 0x80) return undefined
    const rdnEnd = p + 2 + buf[p + 1]!
    if (rdnEnd > end) return undefined
    let rdn = ''
    let q = p + 2
    while (q < rdnEnd) {
      if (q + 4 > rdnEnd || buf[q] !== TAG.SEQUENCE || buf[q + 1]! >= 0x80 || buf[q + 2] !== TAG.OID || buf[q + 3]! >= 0x80) return undefined
      const atvEnd = q + 2 + buf[q + 1]!
      const typeStart = q + 4
      const at = typeStart + buf[q + 3]!
      if (atvEnd > rdnEnd || at + 2 > atvEnd) return undefined
      const tag = buf[at]!
      if (buf[at + 1]! >= 0x80 || at + 2 + buf[at + 1]! !== atvEnd) return undefined
      if (tag !== TAG.UTF8_STRING && tag !== TAG.PRINTABLE_STRING && tag !== TAG.IA5_STRING && tag !== TAG.T61_STRING) return undefined
      const value = plainOctets(buf, at + 2, atvEnd, tag === TAG.UTF8_STRING)
      if (value === undefined) return undefined
      const x520 = typeStart + 3 === at && buf[typeStart] === 0x55 && buf[typeStart + 1] === 0x04 ? buf[typeStart + 2]! : -1
      let attr = x520 >= 0 ? X520.get(x520) : undefined
      if (attr === undefined) {
        try {
          attr = attributeName(buf, { tag: TAG.OID, start: typeStart, end: at, next: at })
        } catch {
          // A malformed OID: the general way writes the name as names.ts decides.
          return undefined
        }
      }
      if (x520 === 3) cn = '"' + value + '"'
      rdn = q === p + 2 ? attr + '=' + value : rdn + '+' + attr + '=' + value
      q = atvEnd
    }
    // RFC 4514 2.1: the last RDN of the sequence first.
    out = p === start ? rdn : rdn + ',' + out
    p = rdnEnd
  }
  cnJson = cn
  return '"' + out + '"'
}

/** The last nameJsonOctets' commonName as JSON octets ("null" without one): read it right after the call. */
export let cnJson = 'null'

/** The value's octets when plain (see nameJsonOctets), else undefined: checked byte by byte, then taken in one piece. */
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
