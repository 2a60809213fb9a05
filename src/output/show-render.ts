import type { CertExtensions } from '../cert/extensions.js'
import type { ShowEvent, ShownCertificate } from '../cert/show-events.js'
import type { Translate, MessageKey } from '../i18n/index.js'
import type { BankProfile } from '../profile/types.js'
import { pad } from './table.js'
import { formatDateTime, formatUtc } from './time.js'
import { adviceFor, errorRecord, type ErrorRecord } from './window-records.js'
import { terminalText } from './terminal-text.js'
import { displayWidth as stringWidth } from './width.js'
import { shownSource } from './window-render.js'

export interface ShowRecord extends CertExtensions {
  type: 'certificate'
  source: string
  index: number
  format: string
  subject: string
  issuer: string
  serial: string
  notBefore: string
  notAfter: string
  daysLeft: number
  state: string
  window: { opens: string; closes: string }
  advice: string
  publicKey: { algorithm: string; size: number | null }
  signatureAlgorithm: string
  selfSigned: boolean
  fingerprints: { sha256: string; sha1: string }
  /** Which CSP/KSP holds the private key, when a certificate store says (which vendor's key). */
  keyProvider?: string
}

export function showRecord(c: ShownCertificate, t: Translate, profile: BankProfile, tz?: string): ShowRecord {
  const d = c.details
  return {
    type: 'certificate',
    source: c.source,
    index: c.index,
    format: c.format,
    subject: d.subject,
    issuer: d.issuer,
    serial: d.serial,
    notBefore: d.notBefore.toISOString(),
    notAfter: d.notAfter.toISOString(),
    daysLeft: c.window.daysLeft,
    state: c.window.state,
    window: { opens: c.window.opens.toISOString(), closes: c.window.closes.toISOString() },
    advice: adviceFor(c.window, d.notBefore, t, profile, tz),
    publicKey: d.publicKey,
    signatureAlgorithm: d.signatureAlgorithm,
    keyUsage: d.keyUsage,
    extendedKeyUsage: d.extendedKeyUsage,
    subjectAltNames: d.subjectAltNames,
    subjectKeyIdentifier: d.subjectKeyIdentifier,
    authorityKeyIdentifier: d.authorityKeyIdentifier,
    isCA: d.isCA,
    selfSigned: d.selfSigned,
    fingerprints: d.fingerprints,
    ...(c.keyProvider !== undefined ? { keyProvider: c.keyProvider } : {}),
  }
}

export function showJson(records: ShowRecord[], errors: ErrorRecord[], lab: boolean, exitCode: number): string {
  return JSON.stringify({ schemaVersion: 1, kind: 'ukey.show-cert', lab, certificates: records, errors, exitCode }, null, 2) + '\n'
}

export { errorRecord }

/** The card a technician reads: labels in the user's language, aligned whatever their width. */
export function showCard(c: ShownCertificate, t: Translate, profile: BankProfile, opts: { tz?: string; count: number; paint?: (s: string, x: string) => string }): string {
  const r = showRecord(c, t, profile, opts.tz)
  const d = c.details
  const paint = opts.paint ?? ((_s: string, x: string) => x)
  const list = (v: string[] | null): string => (v && v.length ? v.join(', ') : t('show.none'))
  const when = (x: Date): string => `${formatDateTime(x, opts.tz)}  (${formatUtc(x)})`
  const days = c.window.daysLeft >= 0 && c.window.state !== 'grace' && c.window.state !== 'lapsed'
    ? t('show.daysLeftValue', { days: c.window.daysLeft })
    : t('show.expiredValue', { days: c.window.daysSinceExpiry ?? 0 })
  const rows: Array<[MessageKey, string]> = [
    // Names and SANs are the certificate's text: escapes shown, not obeyed (terminal-text.ts).
    ['show.subject', terminalText(d.subject)],
    ['show.issuer', terminalText(d.issuer)],
    ['show.serial', d.serial.toUpperCase()],
    ['show.validFrom', when(d.notBefore)],
    ['show.validTo', when(d.notAfter)],
    ['show.daysLeft', days],
    ['show.state', paint(c.window.state, t(`state.${c.window.state}`))],
    ['show.window', `${formatDateTime(c.window.opens, opts.tz)} → ${formatDateTime(c.window.closes, opts.tz)}`],
    ['show.advice', r.advice],
    ['show.key', d.publicKey.size ? t('show.keyValue', { algorithm: d.publicKey.algorithm, size: d.publicKey.size }) : d.publicKey.algorithm],
    ['show.signature', d.signatureAlgorithm],
    ['show.keyUsage', list(usages(d.keyUsage, t))],
    ['show.extKeyUsage', list(usages(d.extendedKeyUsage, t))],
    ['show.san', terminalText(list(d.subjectAltNames))],
    ['show.ski', d.subjectKeyIdentifier ?? t('show.none')],
    ['show.aki', d.authorityKeyIdentifier ?? t('show.none')],
    ['show.sha256', d.fingerprints.sha256],
    ['show.sha1', d.fingerprints.sha1],
    ['show.selfSigned', t(d.selfSigned ? 'show.yes' : 'show.no')],
    ['show.ca', t(d.isCA ? 'show.yes' : 'show.no')],
    ['show.format', t('show.formatValue', { format: c.format })],
    ...(c.keyProvider !== undefined ? [['show.keyProvider', c.keyProvider || t('show.none')] as [MessageKey, string]] : []),
  ]
  const labels = paddedLabels(t, rows.map(([k]) => k))
  const head = terminalText(shownSource(opts.count > 1 ? `${c.source}#${c.index}` : c.source, t))
  return [head, ...rows.map(([, v], i) => `  ${labels[i]}  ${v}`)].join('\n') + '\n'
}

// The cards of a bundle share their labels: translated and padded once per language and
// set of rows (a store's certificates add the key's provider), not once per card.
const LABELS = new WeakMap<Translate, Map<string, string[]>>()

function paddedLabels(t: Translate, keys: MessageKey[]): string[] {
  let byRows = LABELS.get(t)
  if (!byRows) LABELS.set(t, (byRows = new Map()))
  const id = keys.join('\n')
  let labels = byRows.get(id)
  if (!labels) {
    const width = Math.max(...keys.map((k) => stringWidth(t(k))))
    labels = keys.map((k) => pad(t(k), width))
    byRows.set(id, labels)
  }
  return labels
}

/** Key usages in the words of the Windows certificate dialog a technician knows (zh); an unknown one by its name or OID. */
function usages(names: string[] | null, t: Translate): string[] | null {
  return names && names.map((u) => t('show.usage', { u }))
}

export type { ShowEvent }
