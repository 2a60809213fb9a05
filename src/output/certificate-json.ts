import { certIdentity, identityKey, identitySha256, namesAndKey, type CertIdentity, type CertKey } from '../cert/identity.js'
import { cnJson, nameJsonOctets } from '../cert/names.js'
import type { CertSummary } from '../cert/summary.js'
import type { WindowAssessment, WindowState } from '../cert/window.js'
import type { KeyAlgorithmSpec } from '../hardware/pkcs11/types.js'
import { isoText } from './iso-time.js'
import { utf8Octets } from './octets.js'

/**
 * The one certificate object of ukey's JSON (docs/json.md, common.schema.json
 * #/definitions/certificate): check-window, show-cert, renew and lab status
 * all write this, from the identity (cert/identity.ts) and the window
 * (cert/window.ts), so the same certificate reads the same everywhere.
 */
export interface CertificateJson {
  subject: { dn: string; cn: string | null }
  issuer: { dn: string; cn: string | null }
  serial: string
  notBefore: string
  notAfter: string
  fingerprints: { sha256: string }
  key: CertKey
  window: WindowJson
}

export interface WindowJson {
  state: WindowState
  opens: string
  closes: string
  daysLeft: number
  daysSinceExpiry: number | null
}

export function windowObject(w: WindowAssessment): WindowJson {
  return { state: w.state, opens: w.opens.toISOString(), closes: w.closes.toISOString(), daysLeft: w.daysLeft, daysSinceExpiry: w.daysSinceExpiry }
}

/** Plain property assignments, nothing re-read: it runs once per certificate of a 100,000-file batch. */
export function certificateObject(c: CertIdentity, w: WindowAssessment): CertificateJson {
  return {
    subject: c.subject,
    issuer: c.issuer,
    serial: c.serial,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    fingerprints: { sha256: c.sha256 },
    key: c.key,
    window: windowObject(w),
  }
}

/**
 * A certificate read off a token by its key (renew, lab, diagnose): the same object
 * with its CKA_ID (`id`: which key pair it belongs to, docs/json.md).
 */
export function tokenCertificateObject(id: string, summary: CertSummary, window: WindowAssessment): CertificateJson & { id: string } {
  return { ...certificateObject(certIdentity(summary), window), id }
}

const J = JSON.stringify

/**
 * JSON.stringify(certificateObject(certIdentity(summary), w)) without building either,
 * as UTF-8 octets (octets.ts): the same fields in the same order
 * (test/unit/window-json.test.ts and render-fast-paths.test.ts hold them equal), for
 * NDJSON over 100,000 rows, where the intermediate objects cost more than the text.
 * The names come off the DER as octets (cert/names.ts nameJsonOctets); a name that reader
 * leaves goes the general way (certIdentity) and is converted. The object form above
 * stays on Date's own toISOString: the tests' reference.
 */
export function certificateText(summary: CertSummary, w: WindowAssessment): string {
  const der = summary.der
  const at = namesAndKey(der)
  const dn = nameJsonOctets(der, at.subjectStart, at.subjectEnd)
  // summary.subjectCN is commonName of this same DER (readCertSummary), so its text is
  // cnJson; whether there is one follows the summary.
  const cn = summary.subjectCN === null ? 'null' : cnJson
  const subject = dn !== undefined && (summary.subjectCN === null || cn !== 'null') ? `{"dn":${dn},"cn":${cn}}` : generalNames(summary).subject
  return (
    `{"subject":${subject},${issuerText(summary, at.issuerStart, at.issuerEnd)}` +
    `,"serial":"${summary.serial}","notBefore":"${isoText(summary.notBefore.getTime())}","notAfter":"${isoText(summary.notAfter.getTime())}"` +
    `,"fingerprints":{"sha256":"${identitySha256(summary)}"},"key":${keyText(identityKey(summary, at))}` +
    `,"window":{"state":"${w.state}","opens":"${isoText(w.opens.getTime())}","closes":"${isoText(w.closes.getTime())}","daysLeft":${w.daysLeft},"daysSinceExpiry":${w.daysSinceExpiry}}}`
  )
}

/** Subject and issuer the general way (names.ts, as certIdentity writes them), as JSON octets. */
function generalNames(summary: CertSummary): { subject: string; issuer: string } {
  const c = certIdentity(summary)
  return {
    subject: utf8Octets(`{"dn":${J(c.subject.dn)},"cn":${J(c.subject.cn)}}`),
    issuer: utf8Octets(`{"dn":${J(c.issuer.dn)},"cn":${J(c.issuer.cn)}}`),
  }
}

// A batch has a handful of issuers: their text is made once and found again by their
// bytes (a length check and a memcmp), not read off the DER on every row.
const issuerTexts: Array<{ bytes: Buffer; text: string }> = []
let nextIssuer = 0
const RECENT_ISSUERS = 8
const ISSUER_MEMO_MAX_BYTES = 1024

function issuerText(summary: CertSummary, start: number, end: number): string {
  const der = summary.der
  const len = end - start
  for (const r of issuerTexts) if (r.bytes.length === len && r.bytes.compare(der, start, end) === 0) return r.text
  const dn = nameJsonOctets(der, start, end)
  const text = '"issuer":' + (dn === undefined ? generalNames(summary).issuer : `{"dn":${dn},"cn":${cnJson}}`)
  if (len <= ISSUER_MEMO_MAX_BYTES) {
    issuerTexts[nextIssuer] = { bytes: Buffer.from(der.subarray(start, end)), text }
    nextIssuer = (nextIssuer + 1) % RECENT_ISSUERS
  }
  return text
}

const keyTexts = new WeakMap<CertKey, string>()

function keyText(key: CertKey): string {
  let text = keyTexts.get(key)
  if (text === undefined) keyTexts.set(key, (text = J(key)))
  return text
}

/** A key ukey is about to generate, in the certificate's key vocabulary ({algorithm, size} or {algorithm, curve}). */
export function keySpecObject(spec: KeyAlgorithmSpec): CertKey {
  return spec.algorithm === 'RSA' ? { algorithm: 'RSA', size: spec.bits } : { algorithm: 'EC', curve: spec.curve }
}
