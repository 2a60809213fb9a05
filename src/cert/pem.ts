import { DerError } from './der.js'

/** One PEM block (RFC 7468): its label and decoded bytes. */
export interface PemBlock {
  label: string
  der: Buffer
}

const BEGIN = Buffer.from('-----BEGIN ')
const DASHES = Buffer.from('-----')
// RFC 7468 base64 text: the alphabet, line breaks and (leniently) spaces, padding at the end only.
const B64 = new Uint8Array(256) // 1: alphabet, 2: whitespace
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') B64[c.charCodeAt(0)] = 1
for (const c of ' \t\r\n') B64[c.charCodeAt(0)] = 2

/**
 * Checks a PEM body byte by byte: the count of base64 characters (padding
 * included), 'invalid' for anything else, or 'headers' for RFC 1421
 * encapsulated headers ("Proc-Type:"), which only encrypted keys carry.
 */
function checkBase64(buf: Buffer, start: number, end: number): number | 'invalid' | 'headers' {
  let count = 0
  let pad = 0
  for (let i = start; i < end; i++) {
    const c = buf[i]!
    const k = B64[c]
    if (k === 1) {
      if (pad) return 'invalid'
      count++
    } else if (c === 0x3d) {
      if (++pad > 2) return 'invalid'
      count++
    } else if (k !== 2) return /^\s*[A-Za-z-]+:/.test(buf.toString('latin1', start, Math.min(end, start + 64))) ? 'headers' : 'invalid'
  }
  return count
}

export function looksLikePem(buf: Buffer): boolean {
  return buf.indexOf(BEGIN) >= 0
}

/**
 * Every PEM block in the text, in order. Text around blocks (openssl's
 * "subject=…" lines, comments) is allowed. A block with broken base64 or
 * no END line is an error: a truncated download must not look like a shorter bundle.
 */
export function pemBlocks(buf: Buffer): PemBlock[] {
  const out: PemBlock[] = []
  let pos = buf.indexOf(BEGIN)
  while (pos >= 0) {
    const labelStart = pos + BEGIN.length
    const labelEnd = buf.indexOf(DASHES, labelStart)
    if (labelEnd < 0) throw new DerError('truncated', 'PEM BEGIN line without its closing dashes')
    const label = buf.toString('latin1', labelStart, labelEnd)
    const bodyStart = labelEnd + DASHES.length
    const endMarker = Buffer.from(`-----END ${label}-----`)
    const bodyEnd = buf.indexOf(endMarker, bodyStart)
    if (bodyEnd < 0) throw new DerError('truncated', `PEM block "${label}" has no END line`)
    const checked = checkBase64(buf, bodyStart, bodyEnd)
    if (checked === 'headers') out.push({ label, der: Buffer.alloc(0) })
    else if (checked === 'invalid') throw new DerError('malformed', `PEM block "${label}" has invalid base64`)
    else if (checked % 4 !== 0) throw new DerError('truncated', `PEM block "${label}" base64 length is not a multiple of 4`)
    // Node's decoder skips the line breaks the check allowed.
    else out.push({ label, der: Buffer.from(buf.toString('latin1', bodyStart, bodyEnd), 'base64') })
    pos = buf.indexOf(BEGIN, bodyEnd + endMarker.length)
  }
  return out
}
