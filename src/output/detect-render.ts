import type { PhysicalKey, PhysicalView } from '../hardware/physical-keys.js'
import { hex4, usbKeyName, type UsbKey } from '../hardware/usb/types.js'
import type { DetectReport, DetectedToken } from '../hardware/tokens.js'
import type { Lang, Translate } from '../i18n/index.js'
import type { BankProfile } from '../profile/types.js'
import { measure, renderRow, type Column } from './table.js'
import { terminalParams, terminalText } from './terminal-text.js'
import { SCHEMA_VERSION } from './schema-version.js'
import { tokenObject } from './token-json.js'

export type DetectView = PhysicalView

/** A USB device as JSON (detect --json and detect --watch --json share it). */
export function usbRecord(u: UsbKey, kind: string): object {
  return { transport: u.transport, vendorId: hex4(u.vendorId), productId: hex4(u.productId), manufacturer: u.manufacturer, product: u.product, serial: u.serial, path: u.path, kind }
}

function keyAdvice(k: PhysicalKey, t: Translate, lang: Lang): string {
  return t(`verdict.${k.verdict}`, { vendor: k.vendor ? k.vendor.name[lang] : t('detect.unknownVendor') })
}

/** `ukey detect --json` (docs/schema/detect.schema.json). */
export function detectRecord(view: DetectView, t: Translate, profile: BankProfile, lang: Lang, exitCode: number): object {
  const r = view.report
  return {
    schemaVersion: SCHEMA_VERSION,
    kind: 'ukey.detect',
    lab: profile.lab,
    verdict: r.verdict,
    advice: verdictText(r, t),
    modules: r.modules.map((m) => ({
      path: m.path,
      origin: m.origin,
      loaded: m.loaded,
      description: m.description ?? null,
      manufacturer: m.manufacturer ?? null,
      version: m.version ?? null,
      error: m.error ? { code: m.error.code, message: t(m.error.key, m.error.params) } : null,
    })),
    tokens: r.tokens.map((d) => ({
      token: tokenObject(d.info),
      moduleVersion: d.info.module.version,
      vendor: d.vendor.vendor ? { code: d.vendor.vendor.code, name: d.vendor.vendor.name[lang] } : null,
      vendorSignals: d.vendor.signals,
      vendorConflict: d.vendor.conflict,
      moduleOutdated: d.moduleOutdated,
      pin: { state: d.info.pin, triesLeft: d.info.pinTriesLeft },
      loginRequired: d.info.loginRequired,
      certificates: d.certificates,
      keyPairs: d.keyPairs,
      findings: findings(d, t),
    })),
    printed: r.printed ? { number: r.printed.number, vendor: r.printed.vendor ? { code: r.printed.vendor.code, name: r.printed.vendor.name[lang] } : null } : null,
    keys: view.keys.map((k) => ({
      usb: k.usb ? usbRecord(k.usb.key, k.usb.kind) : null,
      token: k.token ? tokenObject(k.token.info) : null,
      vendor: k.vendor ? { code: k.vendor.code, name: k.vendor.name[lang] } : null,
      verdict: k.verdict,
      advice: keyAdvice(k, t, lang),
    })),
    usbErrors: view.usbErrors.map((e) => ({ transport: e.transport, code: e.error.code, message: t(e.error.key, e.error.params) })),
    exitCode,
  }
}

export function verdictText(r: DetectReport, t: Translate): string {
  if (r.verdict === 'no-module') return t('detect.noModule')
  if (r.verdict === 'no-token') return t('detect.noToken')
  return t('detect.found', { n: r.tokens.length })
}

/** What a technician should notice about a key, in FAQ order. */
export function findings(d: DetectedToken, t: Translate): string[] {
  const out: string[] = []
  if (d.vendor.conflict) {
    const named = d.vendor.signals.filter((s) => s.code).map((s) => `${t(`evidence.${s.evidence}`)} ${s.code}`).join(', ')
    out.push(t('finding.vendorConflict', { named }))
  }
  if (d.moduleOutdated) out.push(t('finding.moduleOutdated', { version: d.info.module.version }))
  if (d.info.pin === 'count-low') out.push(t('finding.pinCountLow'))
  if (d.info.pin === 'final-try') out.push(t('finding.pinFinalTry'))
  if (d.info.pin === 'locked') out.push(t('finding.pinLocked'))
  if (d.certificates === 0) out.push(t('finding.noCertificate'))
  return out
}

export function detectText(view: DetectView, t: Translate, profile: BankProfile, lang: Lang): string {
  const r = view.report
  const lines: string[] = []
  if (profile.lab) lines.push(t('lab.banner'))
  lines.push(t('detect.modules'))
  if (r.modules.length === 0) lines.push('  ' + t('show.none'))
  for (const m of r.modules) {
    const origin = m.origin.startsWith('vendor:') ? 'vendor' : m.origin
    lines.push('  ' + (m.loaded
      ? t('detect.moduleLoaded', terminalParams({ path: m.path, description: m.description ?? '', version: m.version || '-', origin }))
      : t('detect.moduleFailed', { path: m.path, message: m.error ? t(m.error.key, m.error.params) : '', origin })))
  }
  lines.push('', t('detect.keys'))
  if (r.tokens.length) {
    const columns: Column[] = [
      { header: t('col.serial') }, { header: t('col.label'), max: 24 }, { header: t('col.vendor'), max: 28 },
      { header: t('col.model'), max: 20 }, { header: t('col.pin') }, { header: t('col.certs') }, { header: t('col.keyPairs') },
    ]
    const rows = r.tokens.map((d) => [
      d.info.serial,
      d.info.label,
      d.vendor.vendor ? `${d.vendor.vendor.code} ${d.vendor.vendor.name[lang]}` : t('detect.unknownVendor'),
      d.info.model,
      t(`pin.${d.info.pin}`) + (d.info.pinTriesLeft !== null ? ` (${d.info.pinTriesLeft})` : ''),
      d.certificates === null ? '?' : String(d.certificates),
      d.keyPairs === null ? '?' : String(d.keyPairs),
    ])
    const widths = measure(columns, rows)
    lines.push('  ' + renderRow(columns.map((c) => c.header), widths, columns))
    for (const row of rows) lines.push('  ' + renderRow(row, widths, columns))
    for (const d of r.tokens) for (const f of findings(d, t)) lines.push(`  ! ${terminalText(d.info.serial)}: ${f}`)
  }
  const usbKeys = view.keys.filter((k) => k.usb)
  lines.push('', t('detect.usb'))
  if (usbKeys.length === 0) lines.push('  ' + t('show.none'))
  for (const k of usbKeys) {
    // What a device says of itself (product, maker) is the device's text: escapes shown, not obeyed.
    lines.push(`  ${k.verdict === 'ok' ? '✓' : '!'} ${terminalText(usbKeyName(k.usb!.key))}`)
    lines.push(`      ${keyAdvice(k, t, lang)}`)
  }
  for (const e of view.usbErrors) lines.push(`  ! ${t(e.error.key, e.error.params)}`)
  if (r.printed) {
    lines.push('', t('detect.printed', { number: r.printed.number, vendor: r.printed.vendor ? `${r.printed.vendor.code} ${r.printed.vendor.name[lang]}` : t('detect.unknownVendor') }))
  }
  lines.push('', verdictText(r, t))
  return lines.join('\n') + '\n'
}
