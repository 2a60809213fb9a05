import { DerError } from './der.js'

/** One PEM block (RFC 7468): its label and decoded bytes. */
export interface PemBlock {
  label: string
  der: Buffer
}

const BEGIN = Buffer.from('-----BEGIN ')
const DASHES = Buffer.from('-----')
// RFC 7468 base64 text: the alphabet, line breaks and (leniently) spaces, padding at the end only.
const BASE64_BODY = /^[A-Za-z0-9+/\s]*(?:={1,2}\s*)?$/

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
    const body = buf.toString('latin1', bodyStart, bodyEnd)
    if (!BASE64_BODY.test(body)) {
      // Encapsulated headers (RFC 1421 "Proc-Type:") only occur in encrypted keys, never certificates.
      if (/^\s*[A-Za-z-]+:/.test(body)) out.push({ label, der: Buffer.alloc(0) })
      else throw new DerError('malformed', `PEM block "${label}" has invalid base64`)
    } else {
      const compact = body.replace(/\s+/g, '')
      if (compact.length % 4 !== 0) throw new DerError('truncated', `PEM block "${label}" base64 length is not a multiple of 4`)
      out.push({ label, der: Buffer.from(compact, 'base64') })
    }
    pos = buf.indexOf(BEGIN, bodyEnd + endMarker.length)
  }
  return out
}
