import type { CertIdentity, CertKey } from '../cert/identity.js'
import type { WindowAssessment, WindowState } from '../cert/window.js'
import type { KeyAlgorithmSpec } from '../hardware/pkcs11/types.js'

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

const J = JSON.stringify

/**
 * JSON.stringify(certificateObject(c, w)) without building it: the same fields in
 * the same order (test/unit/window-json.test.ts holds them equal), for NDJSON
 * over 100,000 rows, where the intermediate objects cost more than the text.
 */
export function certificateText(c: CertIdentity, w: WindowAssessment): string {
  return (
    `{"subject":{"dn":${J(c.subject.dn)},"cn":${J(c.subject.cn)}},"issuer":{"dn":${J(c.issuer.dn)},"cn":${J(c.issuer.cn)}}` +
    `,"serial":"${c.serial}","notBefore":"${c.notBefore.toISOString()}","notAfter":"${c.notAfter.toISOString()}"` +
    `,"fingerprints":{"sha256":"${c.sha256}"},"key":${J(c.key)}` +
    `,"window":{"state":"${w.state}","opens":"${w.opens.toISOString()}","closes":"${w.closes.toISOString()}","daysLeft":${w.daysLeft},"daysSinceExpiry":${w.daysSinceExpiry}}}`
  )
}

/** A key ukey is about to generate, in the certificate's key vocabulary ({algorithm, size} or {algorithm, curve}). */
export function keySpecObject(spec: KeyAlgorithmSpec): CertKey {
  return spec.algorithm === 'RSA' ? { algorithm: 'RSA', size: spec.bits } : { algorithm: 'EC', curve: spec.curve }
}
