import { DerError } from './der.js'
import { wellFormedBase64 } from './pem-layout.js'

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

/**
 * Where the first "-----BEGIN " is, or -1. Most files start with it: then 11 octets
 * are compared instead of a native search (~0.1 µs per file, issue 16).
 */
export function findBegin(buf: Buffer): number {
  if (buf.length >= BEGIN.length) {
    let i = 0
    while (i < BEGIN.length && buf[i] === BEGIN[i]) i++
    if (i === BEGIN.length) return 0
  }
  return buf.indexOf(BEGIN)
}

export function looksLikePem(buf: Buffer): boolean {
  return findBegin(buf) >= 0
}

// The last label seen, its octets and its END marker: a batch is one label over and
// over, and for each block building the marker (Buffer.from, ~0.1 µs) and finding and
// reading the label (indexOf, toString: two native calls) cost more than comparing
// octets (issue 16). One entry, so any number of labels stays bounded.
let lastLabel = 'CERTIFICATE'
let lastLabelOctets = Buffer.from(lastLabel, 'latin1')
// Encoded as the label is read back everywhere else (UTF-8), whatever its octets were.
let lastEndMarker = Buffer.from(`-----END ${lastLabel}-----`)
let lastLabelHasDash = false

/**
 * Where the label starting at `start` ends (its closing dashes), when it is the last
 * label seen: the octets match and the dashes follow. Only for a label without '-',
 * as then no earlier "-----" can start inside it and indexOf would find these dashes.
 */
function sameLabelEnd(buf: Buffer, start: number): number {
  const n = lastLabelOctets.length
  if (lastLabelHasDash || start + n + DASHES.length > buf.length) return -1
  for (let i = 0; i < n; i++) if (buf[start + i] !== lastLabelOctets[i]) return -1
  for (let i = 0; i < DASHES.length; i++) if (buf[start + n + i] !== 0x2d) return -1
  return start + n
}

function remember(label: string): void {
  if (label === lastLabel) return
  lastLabel = label
  lastLabelOctets = Buffer.from(label, 'latin1')
  lastEndMarker = Buffer.from(`-----END ${label}-----`)
  lastLabelHasDash = label.includes('-')
}

// Decoded blocks are cut from a slab of our own, not from Node's 8 KB pool: Buffer.from(text,
// 'base64') reserves 4 octets per character, so the pool was replaced every ~19 certificates
// and each new pool cost ~3.5 µs (createUnsafeBuffer: ~0.2 µs per certificate, bench/batch/per-cert.ts).
// Like the pool's, a slab is kept alive by any block still held, and cannot be transferred.
// The first blocks still go to the pool: marking a slab untransferable loads worker_threads
// (~2 ms), which a command reading one file should not pay (issue 16: start-up).
const SLAB_BYTES = 64 * 1024
const POOLED_BLOCKS = 16
let pooled = 0
let slab: Buffer = Buffer.alloc(0)
let slabUsed = 0
let markAsUntransferable: ((o: object) => void) | undefined

function newSlab(): Buffer {
  const b = Buffer.allocUnsafeSlow(SLAB_BYTES)
  // process.getBuiltinModule, as lazy-crypto.ts: no import.meta.url in the bundled thread program.
  markAsUntransferable ??= process.getBuiltinModule('node:worker_threads').markAsUntransferable
  markAsUntransferable(b.buffer)
  return b
}

/** Buffer.from(text, 'base64'), the same octets. */
function base64Octets(text: string): Buffer {
  // Node's decoder writes at most 3 octets per 4 characters of any kind.
  const most = (text.length * 3) >>> 2
  if (pooled < POOLED_BLOCKS || most > SLAB_BYTES / 8) {
    pooled++
    return Buffer.from(text, 'base64')
  }
  if (most > slab.length - slabUsed) {
    slab = newSlab()
    slabUsed = 0
  }
  const n = slab.write(text, slabUsed, most, 'base64')
  const out = slab.subarray(slabUsed, slabUsed + n)
  // 8-octet aligned, as Node's pool does.
  slabUsed = (slabUsed + n + 7) & ~7
  return out
}

/**
 * Every PEM block in the text, in order. Text around blocks (openssl's
 * "subject=…" lines, comments) is allowed. A block with broken base64 or
 * no END line is an error: a truncated download must not look like a shorter bundle.
 */
export function pemBlocks(buf: Buffer): PemBlock[] {
  return pemBlocksFrom(buf, findBegin(buf))
}

/** pemBlocks when the first "-----BEGIN " is already found (findBegin), at `pos` (-1: none). */
export function pemBlocksFrom(buf: Buffer, pos: number): PemBlock[] {
  const out: PemBlock[] = []
  while (pos >= 0) {
    const labelStart = pos + BEGIN.length
    let labelEnd = sameLabelEnd(buf, labelStart)
    if (labelEnd < 0) {
      labelEnd = buf.indexOf(DASHES, labelStart)
      if (labelEnd < 0) throw new DerError('truncated', 'PEM BEGIN line without its closing dashes')
      remember(buf.toString('latin1', labelStart, labelEnd))
    }
    const label = lastLabel
    const bodyStart = labelEnd + DASHES.length
    const marker = lastEndMarker
    const bodyEnd = buf.indexOf(marker, bodyStart)
    if (bodyEnd < 0) throw new DerError('truncated', `PEM block "${label}" has no END line`)
    const text = buf.toString('latin1', bodyStart, bodyEnd)
    // Node's decoder skips the line breaks the check allows.
    const der = base64Octets(text)
    if (wellFormedBase64(buf, bodyStart, bodyEnd, text, der.length)) out.push({ label, der })
    else {
      const checked = checkBase64(buf, bodyStart, bodyEnd)
      if (checked === 'headers') out.push({ label, der: Buffer.alloc(0) })
      else if (checked === 'invalid') throw new DerError('malformed', `PEM block "${label}" has invalid base64`)
      else if (checked % 4 !== 0) throw new DerError('truncated', `PEM block "${label}" base64 length is not a multiple of 4`)
      else out.push({ label, der })
    }
    const rest = bodyEnd + marker.length
    // A native call saved when no BEGIN line can fit in what is left (a one-certificate file: its last newline).
    pos = rest + BEGIN.length > buf.length ? -1 : buf.indexOf(BEGIN, rest)
  }
  return out
}
