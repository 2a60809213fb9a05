// A strict reader of DER (X.690) type-length-value elements: just enough to walk
// a certificate, a PKCS#7 bundle or a PKCS#12 container without a full ASN.1
// decoder. Full decoders cost ~20x more per certificate; batch checks read
// thousands of files (see bench/check-window).

export class DerError extends Error {
  constructor(
    readonly reason: 'truncated' | 'malformed',
    detail: string,
  ) {
    super(detail)
  }
}

export interface Tlv {
  /** Identifier octet (single-byte tags only: all we meet in X.509 / PKCS). */
  tag: number
  /** Offset of the first content octet. */
  start: number
  /** Offset one past the last content octet. */
  end: number
  /** Offset one past the whole element (== end). Kept for readability at call sites. */
  next: number
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  T61_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
  CONTEXT_0: 0xa0,
  CONTEXT_1: 0xa1,
  CONTEXT_3: 0xa3,
} as const

/** Reads the element at `pos`, which must end at or before `limit`. */
export function readTlv(buf: Uint8Array, pos: number, limit: number = buf.length): Tlv {
  if (pos + 2 > limit) throw new DerError('truncated', `element header at ${pos} runs past ${limit}`)
  const tag = buf[pos]!
  if ((tag & 0x1f) === 0x1f) throw new DerError('malformed', `multi-byte tag at ${pos}`)
  let len = buf[pos + 1]!
  let p = pos + 2
  if (len & 0x80) {
    const n = len & 0x7f
    // DER forbids the indefinite form (n = 0); 4 length octets cover 4 GiB, far past any input we accept.
    if (n === 0 || n > 4) throw new DerError('malformed', `length form ${n} at ${pos}`)
    if (p + n > limit) throw new DerError('truncated', `length octets at ${pos} run past ${limit}`)
    len = 0
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!
    if (buf[p] === 0 || len < 0x80) throw new DerError('malformed', `non-minimal length at ${pos}`)
    p += n
  }
  const end = p + len
  if (end > limit) throw new DerError('truncated', `element at ${pos} needs ${end - limit} more bytes`)
  return { tag, start: p, end, next: end }
}

export function expect(buf: Uint8Array, pos: number, limit: number, tag: number, what: string): Tlv {
  const tlv = readTlv(buf, pos, limit)
  if (tlv.tag !== tag) {
    throw new DerError('malformed', `${what}: expected tag 0x${tag.toString(16)} at ${pos}, found 0x${tlv.tag.toString(16)}`)
  }
  return tlv
}

/** Lists the direct children of a constructed element. */
export function children(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = []
  let p = parent.start
  while (p < parent.end) {
    const c = readTlv(buf, p, parent.end)
    out.push(c)
    p = c.next
  }
  return out
}

/** Dotted form of an OBJECT IDENTIFIER's content octets. */
export function oidText(buf: Uint8Array, tlv: Tlv): string {
  if (tlv.end <= tlv.start) throw new DerError('malformed', 'empty OID')
  const parts: number[] = []
  let v = 0
  for (let i = tlv.start; i < tlv.end; i++) {
    const b = buf[i]!
    v = v * 128 + (b & 0x7f)
    if (!(b & 0x80)) {
      if (parts.length === 0) {
        const first = v < 80 ? Math.floor(v / 40) : 2
        parts.push(first, v - first * 40)
      } else parts.push(v)
      v = 0
    }
  }
  if (buf[tlv.end - 1]! & 0x80) throw new DerError('malformed', 'OID ends mid-arc')
  return parts.join('.')
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

export function hex(buf: Uint8Array, start: number, end: number, sep = ''): string {
  let s = ''
  for (let i = start; i < end; i++) s += (i > start ? sep : '') + HEX[buf[i]!]
  return s
}

function digits(buf: Uint8Array, p: number, n: number): number {
  let v = 0
  for (let i = 0; i < n; i++) {
    const c = buf[p + i]! - 0x30
    if (c < 0 || c > 9) throw new DerError('malformed', `non-digit in time at ${p + i}`)
    v = v * 10 + c
  }
  return v
}

/**
 * UTCTime / GeneralizedTime as RFC 5280 4.1.2.5 requires them in certificates:
 * YYMMDDHHMMSSZ (years 50–99 → 19xx) or YYYYMMDDHHMMSSZ, always UTC, seconds present.
 * Returns epoch milliseconds.
 */
export function timeValue(buf: Uint8Array, tlv: Tlv): number {
  const len = tlv.end - tlv.start
  let p = tlv.start
  let year: number
  if (tlv.tag === TAG.UTC_TIME) {
    if (len !== 13) throw new DerError('malformed', `UTCTime of ${len} bytes`)
    const yy = digits(buf, p, 2)
    year = yy >= 50 ? 1900 + yy : 2000 + yy
    p += 2
  } else if (tlv.tag === TAG.GENERALIZED_TIME) {
    if (len !== 15) throw new DerError('malformed', `GeneralizedTime of ${len} bytes`)
    year = digits(buf, p, 4)
    p += 4
  } else throw new DerError('malformed', `tag 0x${tlv.tag.toString(16)} is not a time`)
  const month = digits(buf, p, 2)
  const day = digits(buf, p + 2, 2)
  const hour = digits(buf, p + 4, 2)
  const minute = digits(buf, p + 6, 2)
  const second = digits(buf, p + 8, 2)
  if (buf[p + 10] !== 0x5a) throw new DerError('malformed', 'time not in UTC (no Z)')
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    throw new DerError('malformed', 'time field out of range')
  }
  // Date.UTC maps years 0–99 to 19xx; setUTCFullYear takes the year as written.
  const d = new Date(Date.UTC(2000, month - 1, day, hour, minute, second))
  d.setUTCFullYear(year, month - 1, day)
  // Rolling 31 February into March would hide a damaged date.
  if (d.getUTCDate() !== day || d.getUTCMonth() !== month - 1) throw new DerError('malformed', 'day does not exist in that month')
  return d.getTime()
}

const latin1 = new TextDecoder('latin1')
const utf8 = new TextDecoder('utf-8', { fatal: true })

/** The text of a DirectoryString (RFC 5280 4.1.2.4), whatever string type the CA chose. */
export function stringValue(buf: Uint8Array, tlv: Tlv): string {
  const bytes = buf.subarray(tlv.start, tlv.end)
  switch (tlv.tag) {
    case TAG.UTF8_STRING:
      try {
        return utf8.decode(bytes)
      } catch {
        throw new DerError('malformed', 'UTF8String is not UTF-8')
      }
    case TAG.PRINTABLE_STRING:
    case TAG.IA5_STRING:
    case TAG.T61_STRING:
      return latin1.decode(bytes)
    case TAG.BMP_STRING: {
      // Older Chinese CAs write subjects as BMPString (UTF-16BE).
      if (bytes.length % 2) throw new DerError('malformed', 'odd-length BMPString')
      let s = ''
      for (let i = 0; i < bytes.length; i += 2) s += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!)
      return s
    }
    case TAG.UNIVERSAL_STRING: {
      if (bytes.length % 4) throw new DerError('malformed', 'bad UniversalString length')
      let s = ''
      for (let i = 0; i < bytes.length; i += 4) {
        const cp = ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0
        // UCS-4 beyond Unicode's last code point: fromCodePoint would throw a RangeError (found by test/fuzz).
        if (cp > 0x10ffff) throw new DerError('malformed', 'UniversalString character beyond U+10FFFF')
        s += String.fromCodePoint(cp)
      }
      return s
    }
    default:
      throw new DerError('malformed', `tag 0x${tlv.tag.toString(16)} is not a string`)
  }
}

/** A child element with the offset of its first (tag) octet: children are contiguous, so each starts where the previous ended. */
export type Element = Tlv & { from: number }

export function elements(buf: Buffer, parent: Tlv): Element[] {
  let from = parent.start
  return children(buf, parent).map((t) => {
    const e = { ...t, from }
    from = t.next
    return e
  })
}

/** An element's whole encoding, tag and length included. */
export const whole = (buf: Buffer, e: Element): Buffer => Buffer.from(buf.subarray(e.from, e.end))
