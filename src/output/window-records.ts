import type { WindowEvent, WindowRow } from '../cert/window-events.js'
import type { WindowTally } from './window-tally.js'
import { STATE_EXIT, exitCodeOf } from './exit-codes.js'
import type { Translate } from '../i18n/index.js'
import type { BankProfile } from '../profile/types.js'
import { SCHEMA_VERSION } from './schema-version.js'
import { certIdentity } from '../cert/identity.js'
import { certificateObject, certificateText, type CertificateJson } from './certificate-json.js'
import { adviceFor, adviceJson } from './advice.js'
import { jsonOctets } from './octets.js'

export { adviceFor }

/** JSON shapes of check-window (docs/schema/check-window.schema.json). An allow-list: add fields, rename only with SCHEMA_VERSION. */
export interface CertificateRecord {
  type: 'certificate'
  source: string
  index: number
  format: string
  certificate: CertificateJson
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
  /** NDJSON has no document around its records: its last line carries the document's head (docs/json.md). */
  schemaVersion: number
  kind: 'ukey.check-window'
  lab: boolean
  at: string
  profile: { name: string; source: string; lab: boolean; renewBeforeDays: number; graceAfterDays: number }
  certificates: number
  errors: number
  states: Record<string, number>
  exitCode: number
}

export function certificateRecord(row: WindowRow, t: Translate, profile: BankProfile, tz?: string): CertificateRecord {
  const { cert, window: w } = row
  return {
    type: 'certificate',
    source: row.source,
    index: row.index,
    format: row.format,
    certificate: certificateObject(certIdentity(cert), w),
    advice: adviceFor(w, cert.notBefore, t, profile, tz),
    exitCode: STATE_EXIT[w.state],
  }
}

/** JSON.stringify(certificateRecord(row)) written directly, as UTF-8 octets (certificate-json.ts: why; output/octets.ts). */
export function certificateJson(row: WindowRow, t: Translate, profile: BankProfile, tz?: string): string {
  const { cert, window: w } = row
  return (
    `{"type":"certificate","source":${jsonOctets(row.source)},"index":${row.index},"format":"${row.format}"` +
    `,"certificate":${certificateText(cert, w)}` +
    `,"advice":${adviceJson(w, cert.notBefore, t, profile, tz)},"exitCode":${STATE_EXIT[w.state]}}`
  )
}

export function errorRecord(ev: Extract<WindowEvent, { type: 'error' }>, t: Translate): ErrorRecord {
  return { type: 'error', source: ev.source, code: ev.error.code, message: t(ev.error.key, ev.error.params), exitCode: exitCodeOf(ev.error) }
}

export function summaryRecord(tally: WindowTally, at: Date, profile: BankProfile): SummaryRecord {
  return {
    type: 'summary',
    schemaVersion: SCHEMA_VERSION,
    kind: 'ukey.check-window',
    lab: profile.lab,
    at: at.toISOString(),
    profile: { name: profile.name, source: profile.source, lab: profile.lab, ...profile.window },
    certificates: tally.certificates,
    errors: tally.errors,
    states: { ...tally.states },
    exitCode: tally.exitCode,
  }
}
