import { certIdentity, type CertIdentity, type CertKey } from '../cert/identity.js'
import type { CertSummary } from '../cert/summary.js'
import type { WindowAssessment, WindowState } from '../cert/window.js'
import type { KeyAlgorithmSpec } from '../hardware/pkcs11/types.js'
import { isoText } from './iso-time.js'

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
 * JSON.stringify(certificateObject(c, w)) without building it: the same fields in
 * the same order (test/unit/window-json.test.ts holds them equal), for NDJSON
 * over 100,000 rows, where the intermediate objects cost more than the text.
 * The object form above stays on Date's own toISOString: the tests' reference.
 */
export function certificateText(c: CertIdentity, w: WindowAssessment): string {
  return (
    `{"subject":{"dn":${J(c.subject.dn)},"cn":${J(c.subject.cn)}},${issuerText(c.issuer)}` +
    `,"serial":"${c.serial}","notBefore":"${isoText(c.notBefore.getTime())}","notAfter":"${isoText(c.notAfter.getTime())}"` +
    `,"fingerprints":{"sha256":"${c.sha256}"},"key":${keyText(c.key)}` +
    `,"window":{"state":"${w.state}","opens":"${isoText(w.opens.getTime())}","closes":"${isoText(w.closes.getTime())}","daysLeft":${w.daysLeft},"daysSinceExpiry":${w.daysSinceExpiry}}}`
  )
}

// A batch has a handful of issuers (sharedDistinguishedName hands back the same dn
// string for each) and of key kinds (certIdentity shares its key objects): their
// text is made once, not stringified again on every row.
const issuerTexts: Array<{ dn: string; cn: string | null; text: string }> = []
let nextIssuer = 0
const RECENT_ISSUERS = 8

function issuerText(issuer: CertIdentity['issuer']): string {
  for (const r of issuerTexts) if (r.dn === issuer.dn && r.cn === issuer.cn) return r.text
  const text = `"issuer":{"dn":${J(issuer.dn)},"cn":${J(issuer.cn)}}`
  issuerTexts[nextIssuer] = { dn: issuer.dn, cn: issuer.cn, text }
  nextIssuer = (nextIssuer + 1) % RECENT_ISSUERS
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
