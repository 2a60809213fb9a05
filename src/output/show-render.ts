import type { CertExtensions } from '../cert/extensions.js'
import type { ShowEvent, ShownCertificate } from '../cert/show-events.js'
import type { Translate, MessageKey } from '../i18n/index.js'
import type { BankProfile } from '../profile/types.js'
import { pad } from './table.js'
import { formatDateTime, formatUtc } from './time.js'
import { adviceFor, errorRecord, type ErrorRecord } from './window-records.js'
import { terminalText } from './terminal-text.js'
import { displayWidth as stringWidth } from './width.js'
import { certificateObject, type CertificateJson } from './certificate-json.js'
import { SCHEMA_VERSION } from './schema-version.js'
import { shownSource } from './window-render.js'

/** show-cert's JSON record: the shared certificate object, and what only show-cert adds under `details`. */
export interface ShowRecord {
  type: 'certificate'
  source: string
  index: number
  format: string
  certificate: CertificateJson
  advice: string
  details: CertExtensions & { signatureAlgorithm: string; selfSigned: boolean; sha1: string }
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
    certificate: certificateObject(d.identity, c.window),
    advice: adviceFor(c.window, d.identity.notBefore, t, profile, tz),
    details: {
      signatureAlgorithm: d.signatureAlgorithm,
      keyUsage: d.keyUsage,
      extendedKeyUsage: d.extendedKeyUsage,
      subjectAltNames: d.subjectAltNames,
      subjectKeyIdentifier: d.subjectKeyIdentifier,
      authorityKeyIdentifier: d.authorityKeyIdentifier,
      isCA: d.isCA,
      selfSigned: d.selfSigned,
      sha1: d.sha1,
    },
    ...(c.keyProvider !== undefined ? { keyProvider: c.keyProvider } : {}),
  }
}

export function showJson(records: ShowRecord[], errors: ErrorRecord[], lab: boolean, exitCode: number): string {
  return JSON.stringify({ schemaVersion: SCHEMA_VERSION, kind: 'ukey.show-cert', lab, certificates: records, errors, exitCode }, null, 2) + '\n'
}

export { errorRecord }

/** The card a technician reads: labels in the user's language, aligned whatever their width. */
export function showCard(c: ShownCertificate, t: Translate, profile: BankProfile, opts: { tz?: string; count: number; paint?: (s: string, x: string) => string }): string {
  const d = c.details
  const id = d.identity
  const paint = opts.paint ?? ((_s: string, x: string) => x)
  const list = (v: string[] | null): string => (v && v.length ? v.join(', ') : t('show.none'))
  const when = (x: Date): string => `${formatDateTime(x, opts.tz)}  (${formatUtc(x)})`
  const days = c.window.daysLeft >= 0 && c.window.state !== 'grace' && c.window.state !== 'lapsed'
    ? t('show.daysLeftValue', { days: c.window.daysLeft })
    : t('show.expiredValue', { days: c.window.daysSinceExpiry ?? 0 })
  const rows: Array<[MessageKey, string]> = [
    // Names and SANs are the certificate's text: escapes shown, not obeyed (terminal-text.ts).
    ['show.subject', terminalText(id.subject.dn)],
    ['show.issuer', terminalText(id.issuer.dn)],
    ['show.serial', id.serial.toUpperCase()],
    ['show.validFrom', when(id.notBefore)],
    ['show.validTo', when(id.notAfter)],
    ['show.daysLeft', days],
    ['show.state', paint(c.window.state, t(`state.${c.window.state}`))],
    ['show.window', `${formatDateTime(c.window.opens, opts.tz)} → ${formatDateTime(c.window.closes, opts.tz)}`],
    ['show.advice', adviceFor(c.window, id.notBefore, t, profile, opts.tz)],
    ['show.key', d.keyName.bits ? t('show.keyValue', { algorithm: d.keyName.algorithm, size: d.keyName.bits }) : d.keyName.algorithm],
    ['show.signature', d.signatureAlgorithm],
    ['show.keyUsage', list(usages(d.keyUsage, t))],
    ['show.extKeyUsage', list(usages(d.extendedKeyUsage, t))],
    ['show.san', terminalText(list(d.subjectAltNames))],
    ['show.ski', d.subjectKeyIdentifier ? colonHex(d.subjectKeyIdentifier) : t('show.none')],
    ['show.aki', d.authorityKeyIdentifier ? colonHex(d.authorityKeyIdentifier) : t('show.none')],
    ['show.sha256', colonHex(id.sha256)],
    ['show.sha1', colonHex(d.sha1)],
    ['show.selfSigned', t(d.selfSigned ? 'show.yes' : 'show.no')],
    ['show.ca', t(d.isCA ? 'show.yes' : 'show.no')],
    ['show.format', t('show.formatValue', { format: c.format })],
    ...(c.keyProvider !== undefined ? [['show.keyProvider', c.keyProvider || t('show.none')] as [MessageKey, string]] : []),
  ]
  const labels = paddedLabels(t, rows.map(([k]) => k))
  const head = terminalText(shownSource(opts.count > 1 ? `${c.source}#${c.index}` : c.source, t))
  return [head, ...rows.map(([, v], i) => `  ${labels[i]}  ${v}`)].join('\n') + '\n'
}

/** "AB:CD:…": the card shows hex as the Windows and vendor dialogs do; JSON keeps plain lower-case hex. */
function colonHex(hex: string): string {
  let s = hex.slice(0, 2)
  for (let i = 2; i < hex.length; i += 2) s += ':' + hex.slice(i, i + 2)
  return s.toUpperCase()
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
