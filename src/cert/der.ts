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

/**
 * The element header `readAt` read last. One object reused: readCertSummary reads
 * ~30 headers per certificate; with an object for each (readTlv) it allocated 3.6 KB
 * per certificate, now 0.4 KB with the other changes of issue 16 (--trace-gc over
 * bench/batch/per-cert.ts's corpus).
 */
export const header = { tag: 0, start: 0, end: 0 }

/** readTlv without the object: the same checks and errors; the element is in `header`, its end is returned. */
export function readAt(buf: Uint8Array, pos: number, limit: number = buf.length): number {
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
  header.tag = tag
  header.start = p
  header.end = end
  return end
}

/** Reads the element at `pos`, which must end at or before `limit`. */
export function readTlv(buf: Uint8Array, pos: number, limit: number = buf.length): Tlv {
  const end = readAt(buf, pos, limit)
  return { tag: header.tag, start: header.start, end, next: end }
}

function wrongTag(what: string, tag: number, pos: number, found: number): DerError {
  return new DerError('malformed', `${what}: expected tag 0x${tag.toString(16)} at ${pos}, found 0x${found.toString(16)}`)
}

/** expect without the object, as readAt. */
export function expectAt(buf: Uint8Array, pos: number, limit: number, tag: number, what: string): number {
  const end = readAt(buf, pos, limit)
  if (header.tag !== tag) throw wrongTag(what, tag, pos, header.tag)
  return end
}

export function expect(buf: Uint8Array, pos: number, limit: number, tag: number, what: string): Tlv {
  const tlv = readTlv(buf, pos, limit)
  if (tlv.tag !== tag) throw wrongTag(what, tag, pos, tlv.tag)
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
  // A serial is hex-encoded for every certificate: Buffer's encoder makes one string where
  // the loop makes one per octet, ~250 bytes of garbage per certificate (bench/batch/per-cert.ts).
  if (sep === '' && buf instanceof Buffer && Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= buf.length) {
    return buf.toString('hex', start, end)
  }
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

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
const DAY_MS = 86_400_000

/**
 * Days from 1970-01-01 to a proleptic Gregorian date, as Date counts them (year 0
 * is a leap year). Integer arithmetic instead of a Date and its setters: 53 ns
 * per time instead of 184, two times per certificate (issue 16).
 * Algorithm: H. Hinnant, "chrono-Compatible Low-Level Date Algorithms", days_from_civil.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146_097 + doe - 719_468
}

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return DAYS_IN_MONTH[month - 1]!
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
}

/**
 * UTCTime / GeneralizedTime as RFC 5280 4.1.2.5 requires them in certificates:
 * YYMMDDHHMMSSZ (years 50–99 → 19xx) or YYYYMMDDHHMMSSZ, always UTC, seconds present.
 * Returns epoch milliseconds.
 */
export function timeValue(buf: Uint8Array, tlv: Tlv): number {
  return timeAt(buf, tlv.tag, tlv.start, tlv.end)
}

/** timeValue of the element with that tag and content range (no Tlv object needed). */
export function timeAt(buf: Uint8Array, tag: number, start: number, end: number): number {
  const len = end - start
  let p = start
  let year: number
  if (tag === TAG.UTC_TIME) {
    if (len !== 13) throw new DerError('malformed', `UTCTime of ${len} bytes`)
    const yy = digits(buf, p, 2)
    year = yy >= 50 ? 1900 + yy : 2000 + yy
    p += 2
  } else if (tag === TAG.GENERALIZED_TIME) {
    if (len !== 15) throw new DerError('malformed', `GeneralizedTime of ${len} bytes`)
    year = digits(buf, p, 4)
    p += 4
  } else throw new DerError('malformed', `tag 0x${tag.toString(16)} is not a time`)
  const month = digits(buf, p, 2)
  const day = digits(buf, p + 2, 2)
  const hour = digits(buf, p + 4, 2)
  const minute = digits(buf, p + 6, 2)
  const second = digits(buf, p + 8, 2)
  // Also the first check an element running past the buffer fails (a limit beyond buf.length): its last octet reads undefined.
  if (buf[p + 10] !== 0x5a) throw new DerError('malformed', 'time not in UTC (no Z)')
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    throw new DerError('malformed', 'time field out of range')
  }
  // Rolling 31 February into March would hide a damaged date.
  if (day > daysInMonth(year, month)) throw new DerError('malformed', 'day does not exist in that month')
  return daysFromCivil(year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000
}

const latin1 = new TextDecoder('latin1')
const utf8 = new TextDecoder('utf-8', { fatal: true })

/** True when every octet is below 0x80: every string type then reads as the octets themselves. */
function isAscii(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i]! > 0x7f) return false
  return true
}

/** The text of a DirectoryString (RFC 5280 4.1.2.4), whatever string type the CA chose. */
export function stringValue(buf: Uint8Array, tlv: Tlv): string {
  return stringAt(buf, tlv.tag, tlv.start, tlv.end)
}

/** stringValue of the element with that tag and content range (no Tlv object needed). */
export function stringAt(buf: Uint8Array, tag: number, start: number, end: number): string {
  // ASCII text in a Buffer, the common case: every decoder below gives the octets as they are,
  // and Buffer's latin1 slice costs 60 ns where TextDecoder costs 105 (a subject and an issuer CN per certificate).
  if ((tag === TAG.UTF8_STRING || tag === TAG.PRINTABLE_STRING || tag === TAG.IA5_STRING || tag === TAG.T61_STRING) &&
    buf instanceof Buffer && start >= 0 && start <= end && end <= buf.length && isAscii(buf, start, end)) {
    return buf.toString('latin1', start, end)
  }
  const bytes = buf.subarray(start, end)
  switch (tag) {
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
      throw new DerError('malformed', `tag 0x${tag.toString(16)} is not a string`)
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
