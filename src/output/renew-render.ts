import type { UkeyError } from '../errors.js'
import type { Translate } from '../i18n/index.js'
import type { RenewalJournal, RenewalStep } from '../renewal/journal.js'
import type { KnownPlan, PlanCheck, RenewPlan, RenewResult } from '../renewal/transaction.js'
import { assessWindow, type WindowAssessment, type WindowPolicy, type WindowState } from '../cert/window.js'
import { certIdentity } from '../cert/identity.js'
import { readCertSummary, type CertSummary } from '../cert/summary.js'
import { certificateObject, keySpecObject, type CertificateJson } from './certificate-json.js'
import { SCHEMA_VERSION } from './schema-version.js'
import { recordedTokenObject, tokenObject } from './token-json.js'
import type { KeyAlgorithmSpec, PinState, TokenInfo } from '../hardware/pkcs11/types.js'
import { terminalText } from './terminal-text.js'
import { formatDateTime } from './time.js'
import { displayWidth } from './width.js'

/** What the technician confirms: which key, which certificate, its window, the new key, the bank. */
export function planText(plan: RenewPlan, t: Translate, tz?: string): string {
  const c = plan.certificate.summary
  const rows: Array<[string, string]> = [
    [t('renew.plan.certificate'), `${terminalText(c.subjectCN ?? '-')}  #${c.serial}  → ${formatDateTime(c.notAfter, tz)}`],
    [t('renew.plan.window'), t(`state.${plan.window.state}`)],
    [t('renew.plan.newKey'), describeKeySpec(plan.newKey)],
    [t('renew.plan.server'), plan.server],
  ]
  if (plan.resume) rows.push([t('renew.plan.resume'), plan.resume.after ? t(`renew.step.${plan.resume.after}`) : '-'])
  const width = Math.max(...rows.map(([k]) => displayWidth(k)))
  const pad = (k: string): string => k + ' '.repeat(width - displayWidth(k))
  return [t('renew.plan', { serial: plan.token.serial, label: terminalText(plan.token.label) }), ...rows.map(([k, v]) => `  ${pad(k)}  ${v}`)].join('\n') + '\n'
}

/** A check's evidence as a person reads it: states and PIN states in their words. */
function checkDetail(c: PlanCheck, t: Translate): string {
  if (c.name === 'window') return t(`state.${c.detail as WindowState}`)
  if (c.name === 'pin') {
    const [state, tries] = c.detail.split(' ')
    return t(`pin.${state as PinState}`) + (tries ? ` ${tries}` : '')
  }
  // The key's id, a transport code, a record's file: words by default, the technical form with --verbose.
  if (c.name === 'token') {
    const [serial, id] = c.detail.split(' ')
    return t('renew.checkDetail.token', { serial: serial ?? '', id: id ?? '' })
  }
  if (c.name === 'server' && !c.ok) return t('renew.checkDetail.server', { reason: c.detail.split(':')[0]!, detail: c.detail })
  if (c.name === 'journal') return t('renew.checkDetail.journal', { journal: c.detail })
  return c.detail
}

export function dryRunText(result: RenewResult, t: Translate): string {
  const lines = result.plan.checks.map((c) => `  ${c.ok ? '✓' : '✗'} ${t(`renew.check.${c.name}`)}: ${checkDetail(c, t)}`)
  lines.push(t(result.ready ? 'renew.dryRun.ok' : 'renew.dryRun.fail'))
  return lines.join('\n') + '\n'
}

export function doneText(result: RenewResult, t: Translate, tz?: string): string {
  const n = result.newCertificate!.summary
  return t('renew.done', { serial: n.serial, notAfter: formatDateTime(n.notAfter, tz) }) + '\n'
}

export interface RenewJsonStep {
  step: RenewalStep
  ms: number
}

/** What a renewal had learnt before it failed (its 'known' events). */
export interface RenewKnown {
  token: TokenInfo
  plan: KnownPlan | undefined
  journal: string | undefined
}

/** A certificate on the token, in the shared vocabulary, with its CKA_ID (`id`: which key it belongs to). */
function tokenCertificate(id: string, summary: CertSummary, window: WindowAssessment): CertificateJson & { id: string } {
  return { ...certificateObject(certIdentity(summary), window), id }
}

/** The `--json` document (docs/schema/renew.schema.json). Never a PIN: none reaches this layer. */
export function renewRecord(
  o: { result?: RenewResult; error?: UkeyError; known?: RenewKnown; steps: RenewJsonStep[]; lab: boolean; exitCode: number; at: Date; policy: WindowPolicy },
  t: Translate,
): object {
  const r = o.result
  // A failure carries what the renewal knew when it stopped (issue 15): which key, which certificate, which server.
  const plan: KnownPlan | undefined = r?.plan ?? o.known?.plan
  const token = plan?.token ?? o.known?.token
  const n = r?.newCertificate
  return {
    schemaVersion: SCHEMA_VERSION,
    kind: 'ukey.renew',
    lab: o.lab,
    outcome: o.error ? 'failed' : r!.outcome,
    exitCode: o.exitCode,
    token: token ? tokenObject(token) : null,
    certificate: plan ? tokenCertificate(plan.certificate.id, plan.certificate.summary, plan.window) : null,
    newKey: plan?.newKey ? keySpecObject(plan.newKey) : null,
    server: plan?.server ?? null,
    resumed: plan?.resume ? { journal: plan.resume.journal, after: plan.resume.after } : null,
    checks: r?.outcome === 'dry-run' ? plan!.checks : null,
    ready: r?.outcome === 'dry-run' ? r.ready ?? false : null,
    newCertificate: n ? tokenCertificate(n.id, n.summary, assessWindow(n.summary, o.at, o.policy)) : null,
    steps: o.steps,
    journal: r?.journal ?? (o.error?.params['journal'] as string | undefined) ?? o.known?.journal ?? null,
    error: o.error ? { code: o.error.code, message: t(o.error.key, o.error.params), actions: o.error.actions.map((a) => t(a)) } : null,
  }
}

export function statusText(pending: RenewalJournal[], closed: number, dir: string, t: Translate): string {
  const lines = [pending.length ? t('renew.status.header', { count: pending.length }) : t('renew.status.none')]
  for (const j of pending) {
    const d = j.data
    const step = j.lastCompleted
    lines.push('  ' + t('renew.status.row', { token: `${d.token.serial} "${terminalText(d.token.label)}"`, serial: d.old.certSerial, createdAt: d.createdAt, step: step ? t(`renew.step.${step}`) : '-' }))
  }
  if (closed) lines.push(t('renew.status.history', { count: closed, dir }))
  return lines.join('\n') + '\n'
}

/** `renew --status --json` (docs/schema/renew-status.schema.json): each journal's token and old certificate in the shared vocabulary. */
export function statusRecord(pending: RenewalJournal[], all: RenewalJournal[], o: { dir: string; lab: boolean; exitCode: number; at: Date; policy: WindowPolicy }): object {
  const view = (j: RenewalJournal): object => {
    const old = j.data.old
    let certificate: object | null = null
    if (old.certificate) {
      try {
        const summary = readCertSummary(Buffer.from(old.certificate, 'base64'))
        certificate = tokenCertificate(old.keyId, summary, assessWindow(summary, o.at, o.policy))
      } catch {
        // A journal from before the DER was kept, or damaged: the key id and serial are what it has.
      }
    }
    return {
      file: j.file,
      state: j.data.state,
      token: recordedTokenObject(j.data.token),
      old: { keyId: old.keyId, serial: old.certSerial, certificate },
      createdAt: j.data.createdAt,
      lastCompleted: j.lastCompleted,
      outcome: j.data.outcome ?? null,
    }
  }
  return { schemaVersion: SCHEMA_VERSION, kind: 'ukey.renew-status', lab: o.lab, exitCode: o.exitCode, dir: o.dir, pending: pending.map(view), journals: all.map(view) }
}

/** "RSA 2048", "EC P-256": how the plan names the new key. */
export function describeKeySpec(spec: KeyAlgorithmSpec): string {
  return spec.algorithm === 'RSA' ? `RSA ${spec.bits}` : `EC ${spec.curve}`
}
