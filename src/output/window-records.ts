import type { WindowEvent, WindowRow } from '../cert/window-events.js'
import type { WindowTally } from './window-tally.js'
import type { WindowAssessment } from '../cert/window.js'
import { STATE_EXIT, exitCodeOf } from './exit-codes.js'
import type { Translate } from '../i18n/index.js'
import type { BankProfile } from '../profile/types.js'
import { formatDateTime } from './time.js'

/** JSON shapes of check-window (schemaVersion 1). An allow-list: add fields, never rename. */
export interface CertificateRecord {
  type: 'certificate'
  source: string
  index: number
  format: string
  subject: string | null
  issuer: string | null
  serial: string
  keyAlgorithm: string
  notBefore: string
  notAfter: string
  state: string
  daysLeft: number
  daysSinceExpiry: number | null
  window: { opens: string; closes: string }
  advice: string
  exitCode: number
}
export interface ErrorRecord {
  type: 'error'
  source: string
  code: string
  message: string
  exitCode: number
}
export interface SummaryRecord {
  type: 'summary'
  at: string
  profile: { name: string; source: string; lab: boolean; renewBeforeDays: number; graceAfterDays: number }
  certificates: number
  errors: number
  states: Record<string, number>
  exitCode: number
}

/** FAQ 4–6 advice for a certificate's window state, with its dates and day counts. */
export function adviceFor(w: WindowAssessment, notBefore: Date, t: Translate, profile: BankProfile, tz?: string): string {
  switch (w.state) {
    case 'not-yet-valid':
      return t('advice.not-yet-valid', { notBefore: formatDateTime(notBefore, tz) })
    case 'valid':
      return t('advice.valid', { opens: formatDateTime(w.opens, tz), days: w.daysUntilOpen ?? 0 })
    case 'renewable':
      return t('advice.renewable', { days: w.daysLeft })
    case 'grace':
      return t('advice.grace', { days: w.daysSinceExpiry ?? 0, closes: formatDateTime(w.closes, tz) })
    case 'lapsed':
      return t('advice.lapsed', { grace: profile.window.graceAfterDays })
  }
}

export function certificateRecord(row: WindowRow, t: Translate, profile: BankProfile, tz?: string): CertificateRecord {
  const { cert, window: w } = row
  return {
    type: 'certificate',
    source: row.source,
    index: row.index,
    format: row.format,
    subject: cert.subjectCN,
    issuer: cert.issuerCN,
    serial: cert.serial,
    keyAlgorithm: cert.keyAlgorithm,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    state: w.state,
    daysLeft: w.daysLeft,
    daysSinceExpiry: w.daysSinceExpiry,
    window: { opens: w.opens.toISOString(), closes: w.closes.toISOString() },
    advice: adviceFor(w, cert.notBefore, t, profile, tz),
    exitCode: STATE_EXIT[w.state],
  }
}

const J = JSON.stringify

/**
 * JSON.stringify(certificateRecord(row)) without building the record: the same
 * fields in the same order (a test holds them equal), for NDJSON and --json over
 * 100,000 rows, where the intermediate objects cost more than the text.
 */
export function certificateJson(row: WindowRow, t: Translate, profile: BankProfile, tz?: string): string {
  const { cert, window: w } = row
  return (
    `{"type":"certificate","source":${J(row.source)},"index":${row.index},"format":${J(row.format)}` +
    `,"subject":${J(cert.subjectCN)},"issuer":${J(cert.issuerCN)},"serial":${J(cert.serial)},"keyAlgorithm":${J(cert.keyAlgorithm)}` +
    `,"notBefore":"${cert.notBefore.toISOString()}","notAfter":"${cert.notAfter.toISOString()}","state":"${w.state}"` +
    `,"daysLeft":${w.daysLeft},"daysSinceExpiry":${w.daysSinceExpiry}` +
    `,"window":{"opens":"${w.opens.toISOString()}","closes":"${w.closes.toISOString()}"}` +
    `,"advice":${J(adviceFor(w, cert.notBefore, t, profile, tz))},"exitCode":${STATE_EXIT[w.state]}}`
  )
}

export function errorRecord(ev: Extract<WindowEvent, { type: 'error' }>, t: Translate): ErrorRecord {
  return { type: 'error', source: ev.source, code: ev.error.code, message: t(ev.error.key, ev.error.params), exitCode: exitCodeOf(ev.error) }
}

export function summaryRecord(tally: WindowTally, at: Date, profile: BankProfile): SummaryRecord {
  return {
    type: 'summary',
    at: at.toISOString(),
    profile: { name: profile.name, source: profile.source, lab: profile.lab, ...profile.window },
    certificates: tally.certificates,
    errors: tally.errors,
    states: { ...tally.states },
    exitCode: tally.exitCode,
  }
}
