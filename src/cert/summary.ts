import { DerError, TAG, expectAt, header, hex, oidText, readAt, stringAt, timeAt } from './der.js'
import { checkCertificateSize } from './limits.js'

/** The fields a window check needs, read straight from the DER (RFC 5280 4.1). */
export interface CertSummary {
  /** Serial number as lower-case hex, without leading zero octets. */
  serial: string
  subjectCN: string | null
  issuerCN: string | null
  notBefore: Date
  notAfter: Date
  keyAlgorithm: KeyAlgorithm
  /** The certificate's own DER bytes (a view into the input, not a copy). */
  der: Uint8Array
  /**
   * SHA-256 of `der` (lower-case hex) when already known: the reading thread hashes the
   * files it decodes (file-reader.ts). Otherwise undefined, and identity.ts hashes.
   */
  sha256: string | undefined
}

export type KeyAlgorithm = 'RSA' | 'EC P-256' | 'EC P-384' | 'EC P-521' | 'EC' | 'SM2' | 'Ed25519' | 'Ed448' | 'DSA' | string

// OIDs compared as content octets: faster than decoding to text for every certificate.
const CN = [0x55, 0x04, 0x03] // 2.5.4.3 commonName

const KEY_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.1': 'RSA',
  '1.2.840.113549.1.1.10': 'RSA-PSS',
  '1.2.840.10045.2.1': 'EC',
  '1.2.840.10040.4.1': 'DSA',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
  // Some Chinese CAs put the SM2 curve OID as the algorithm itself (GM/T 0015).
  '1.2.156.10197.1.301': 'SM2',
}
const CURVES: Record<string, string> = {
  '1.2.840.10045.3.1.7': 'EC P-256',
  '1.3.132.0.34': 'EC P-384',
  '1.3.132.0.35': 'EC P-521',
  '1.2.156.10197.1.301': 'SM2',
}

/** DER content octets of a dotted OID (X.690 8.19), to compare OIDs without decoding them. */
function oidOctets(dotted: string): number[] {
  const [a, b, ...rest] = dotted.split('.').map(Number)
  const out: number[] = []
  for (const arc of [a! * 40 + b!, ...rest]) {
    const base128 = [arc & 0x7f]
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) base128.unshift((v & 0x7f) | 0x80)
    out.push(...base128)
  }
  return out
}

// The tables above as octets: the text form (oidText) only for an OID not in them. Turning
// two OIDs into text and looking them up was ~0.2 µs per certificate in a profile of
// bench/batch/per-cert.ts (issue 16).
const byOctets = (table: Record<string, string>): Array<[number[], string]> => Object.entries(table).map(([oid, name]) => [oidOctets(oid), name])
const KEY_ALGORITHM_OCTETS = byOctets(KEY_ALGORITHMS)
const CURVE_OCTETS = byOctets(CURVES)

function sameBytes(buf: Uint8Array, start: number, end: number, want: number[]): boolean {
  if (end - start !== want.length) return false
  for (let i = 0; i < want.length; i++) if (buf[start + i] !== want[i]) return false
  return true
}

/** The name of an OID in the table by its octets: the name its text would give; an OID not found goes by its text. */
function knownOid(buf: Uint8Array, start: number, end: number, octets: Array<[number[], string]>): string | undefined {
  for (const [want, name] of octets) if (sameBytes(buf, start, end, want)) return name
  return undefined
}

/** Dotted text of an OID's content octets; refuses a malformed OID (der.ts oidText). */
const dotted = (buf: Uint8Array, start: number, end: number): string => oidText(buf, { tag: TAG.OID, start, end, next: end })

// The readers below use readAt/expectAt (der.ts): the element they read is in `header`
// until the next read, so each keeps what it needs in locals straight away.

/** Last commonName in a Name: the most specific one, as openssl and browsers show it. */
export function commonName(buf: Uint8Array, start: number, end: number): string | null {
  let cn: string | null = null
  let p = start
  while (p < end) {
    const rdnEnd = expectAt(buf, p, end, TAG.SET, 'RDN')
    let q = header.start
    while (q < rdnEnd) {
      const atvEnd = expectAt(buf, q, rdnEnd, TAG.SEQUENCE, 'attribute')
      const typeEnd = expectAt(buf, header.start, atvEnd, TAG.OID, 'attribute type')
      if (sameBytes(buf, header.start, typeEnd, CN)) {
        readAt(buf, typeEnd, atvEnd)
        cn = stringAt(buf, header.tag, header.start, header.end)
      }
      q = atvEnd
    }
    p = rdnEnd
  }
  return cn
}

function keyAlgorithm(buf: Uint8Array, start: number, end: number): KeyAlgorithm {
  const algEnd = expectAt(buf, start, end, TAG.SEQUENCE, 'subjectPublicKeyInfo.algorithm')
  const oidEnd = expectAt(buf, header.start, algEnd, TAG.OID, 'key algorithm')
  let name = knownOid(buf, header.start, oidEnd, KEY_ALGORITHM_OCTETS)
  if (name === undefined) {
    const oid = dotted(buf, header.start, oidEnd)
    name = KEY_ALGORITHMS[oid] ?? oid
  }
  if (name !== 'EC') return name
  readAt(buf, oidEnd, algEnd)
  if (header.tag !== TAG.OID) return 'EC'
  return knownOid(buf, header.start, header.end, CURVE_OCTETS) ?? CURVES[dotted(buf, header.start, header.end)] ?? 'EC'
}

/**
 * Makes the summary object. A constructor, not an object literal: V8 pretenures a
 * literal's allocation site once it sees the site's objects survive (a caller that
 * keeps the summaries, as bench/batch/per-cert.ts does), and from then on every summary,
 * with its dates, strings and DER view, goes through the old generation:
 * decodeCertificates 2.9 → 2.2 µs per certificate, readCertSummary 1.2 → 1.1.
 * Its prototype is Object.prototype, so the object is the plain one a literal made
 * (same keys in the same order, same inspect and JSON output).
 */
function Summary(
  this: CertSummary,
  serial: string,
  subjectCN: string | null,
  issuerCN: string | null,
  notBefore: Date,
  notAfter: Date,
  keyAlgorithm: KeyAlgorithm,
  der: Uint8Array,
  sha256: string | undefined,
): void {
  this.serial = serial
  this.subjectCN = subjectCN
  this.issuerCN = issuerCN
  this.notBefore = notBefore
  this.notAfter = notAfter
  this.keyAlgorithm = keyAlgorithm
  this.der = der
  // Always present, so that every summary has one shape: one that gains it later (the
  // reading thread's digest, read-certificates.ts) would be a second hidden class, and the
  // optimised code of everything that reads summaries would be thrown away and compiled
  // again mid-batch (20,000 files: 45 more optimisations, +25–35 ms, issue 16). Set here
  // only, never after: a field written after construction stops being constant for V8,
  // and that change too throws away the optimised code that read it (--trace-deopt:
  // readCertSummary and certificateText, compiled again when the thread's first digest came).
  this.sha256 = sha256
}
Summary.prototype = Object.prototype
const NewSummary = Summary as unknown as new (...fields: Parameters<typeof Summary>) => CertSummary

/**
 * Reads one certificate starting at `pos`. With `exact`, the certificate must fill
 * the buffer to `limit` (a DER file); otherwise trailing bytes belong to the caller.
 * Throws DerError on anything that is not a well-formed certificate.
 */
export function readCertSummary(buf: Uint8Array, pos = 0, limit = buf.length, exact = true, sha256?: string): CertSummary {
  const certEnd = expectAt(buf, pos, limit, TAG.SEQUENCE, 'Certificate')
  const certStart = header.start
  checkCertificateSize(certEnd - pos)
  if (exact && certEnd !== limit) throw new DerError('malformed', `${limit - certEnd} bytes after the certificate`)
  const tbsEnd = expectAt(buf, certStart, certEnd, TAG.SEQUENCE, 'TBSCertificate')
  const tbsStart = header.start
  const sigAlgEnd = expectAt(buf, tbsEnd, certEnd, TAG.SEQUENCE, 'signatureAlgorithm')
  const sigEnd = expectAt(buf, sigAlgEnd, certEnd, TAG.BIT_STRING, 'signatureValue')
  if (sigEnd !== certEnd) throw new DerError('malformed', 'extra data inside Certificate')

  let elEnd = readAt(buf, tbsStart, tbsEnd)
  if (header.tag === TAG.CONTEXT_0) {
    const vEnd = expectAt(buf, header.start, elEnd, TAG.INTEGER, 'version')
    if (vEnd - header.start !== 1 || buf[header.start]! > 2) throw new DerError('malformed', 'unknown certificate version')
    elEnd = readAt(buf, elEnd, tbsEnd)
  }
  if (header.tag !== TAG.INTEGER || elEnd === header.start) throw new DerError('malformed', 'serialNumber missing')
  let s = header.start
  while (s < elEnd - 1 && buf[s] === 0) s++
  const serial = hex(buf, s, elEnd)

  const signatureEnd = expectAt(buf, elEnd, tbsEnd, TAG.SEQUENCE, 'signature')
  const issuerEnd = expectAt(buf, signatureEnd, tbsEnd, TAG.SEQUENCE, 'issuer')
  const issuerStart = header.start
  const validityEnd = expectAt(buf, issuerEnd, tbsEnd, TAG.SEQUENCE, 'validity')
  // Every child is read (a damaged third one is reported as damage, as before) and there must be two.
  let count = 0
  let nbTag = 0, nbStart = 0, nbEnd = 0, naTag = 0, naStart = 0, naEnd = 0
  for (let p = header.start; p < validityEnd; count++) {
    p = readAt(buf, p, validityEnd)
    if (count === 0) {
      nbTag = header.tag
      nbStart = header.start
      nbEnd = p
    } else if (count === 1) {
      naTag = header.tag
      naStart = header.start
      naEnd = p
    }
  }
  if (count !== 2) throw new DerError('malformed', 'validity is not two times')
  const subjectEnd = expectAt(buf, validityEnd, tbsEnd, TAG.SEQUENCE, 'subject')
  const subjectStart = header.start
  const spkiEnd = expectAt(buf, subjectEnd, tbsEnd, TAG.SEQUENCE, 'subjectPublicKeyInfo')
  const spkiStart = header.start

  const notBefore = timeAt(buf, nbTag, nbStart, nbEnd)
  const notAfter = timeAt(buf, naTag, naStart, naEnd)
  return new NewSummary(
    serial,
    commonName(buf, subjectStart, subjectEnd),
    commonName(buf, issuerStart, issuerEnd),
    new Date(notBefore),
    new Date(notAfter),
    keyAlgorithm(buf, spkiStart, spkiEnd),
    // The input itself when the certificate is all of it (a PEM block, a DER file): the same view, one object fewer.
    pos === 0 && certEnd === buf.length ? buf : buf.subarray(pos, certEnd),
    sha256,
  )
}
