import type { Lang, Translate } from '../i18n/index.js'
import { terminalParams } from './terminal-text.js'
import { displayWidth } from './width.js'
import type { DiagnosisReport, LocalText, Message, Rule, StepOutcome, StepReport, Verdict } from '../troubleshoot/types.js'
import { verdictExit } from './exit-codes.js'
import { SCHEMA_VERSION } from './schema-version.js'

/**
 * The report as text and as JSON. Pure: returns strings and records, the
 * command writes them (kept beside the engine because only diagnose uses it).
 */
export type Say = (text: LocalText, params?: Message['params']) => string

export function sayer(t: Translate, lang: Lang, terminal = false): Say {
  return (text, localParams) => {
    let params = localParams && Object.fromEntries(Object.entries(localParams).map(([k, v]) => [k, typeof v === 'object' ? v[lang] : v]))
    // On a terminal, evidence that quotes a subject, a path or a label shows its escapes; JSON keeps the exact text.
    if (params && terminal) params = terminalParams(params)
    if (typeof text === 'string') return t(text, params)
    const raw = text[lang]
    return params ? raw.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : raw
  }
}

export const say = (s: Say, m: Message): string => s(m.text, m.params)

export const MARK: Record<StepOutcome, string> = { pass: '✔', fail: '✖', unknown: '?', yes: '•', no: '•', shown: 'ℹ', skipped: '·' }

/** ✔ marks good news and ✖ bad, not yes and no: "yes, the error persists" is bad news. */
function markOf(r: StepReport): { mark: string; tone: StepOutcome } {
  if (r.step.kind === 'question' && r.step.good && (r.outcome === 'yes' || r.outcome === 'no')) {
    return r.outcome === r.step.good ? { mark: MARK.pass, tone: 'pass' } : { mark: MARK.fail, tone: 'fail' }
  }
  return { mark: MARK[r.outcome], tone: r.outcome }
}

export type Paint = (outcome: StepOutcome | Verdict, text: string) => string

/** One step as the technician reads it: mark, FAQ step, what was checked or asked; then what was seen and what to do. */
export function stepText(r: StepReport, s: Say, paint: Paint): string {
  const step = r.step
  const head = step.kind === 'instruction' && step.legacy ? s('diagnose.label.legacy', { text: s(step.text) }) : s(step.text)
  const answer = step.kind === 'question' ? ` — ${s(`diagnose.answer.${r.outcome === 'yes' ? 'yes' : r.outcome === 'no' ? 'no' : 'unknown'}`)}` : ''
  const { mark, tone } = markOf(r)
  const lines = [`${paint(tone, mark)} ${s('diagnose.label.faq', { faq: step.faq })}  ${head}${answer}`]
  for (const e of r.evidence) lines.push(`      ${say(s, e)}`)
  if (r.remedy) lines.push(`      → ${say(s, r.remedy)}`)
  return lines.join('\n')
}

/** Wraps to `width` terminal columns (Chinese takes two), breaking at spaces where there are some. */
function wrap(text: string, width: number): string[] {
  const out: string[] = []
  let line = ''
  for (const word of text.split(/(?<=\s)|(?=[\u3000-\u9fff\uff00-\uffef])/u)) {
    if (displayWidth(line + word) > width && line.trim()) {
      out.push(line.trimEnd())
      line = word.trimStart()
    } else line += word
  }
  if (line.trim()) out.push(line.trimEnd())
  return out
}

/** The verdict in a box: what ukey concludes and the one next action. */
export function verdictBox(report: DiagnosisReport, s: Say, paint: Paint, width = 72): string {
  const title = s(`diagnose.verdict.${report.verdict}`, { exit: verdictExit(report.verdict) })
  const extra = [
    ...report.proof.map((m) => s('diagnose.box.proof', { evidence: say(s, m) })),
    ...report.unchecked.map((i) => s('diagnose.box.unchecked', { step: s(report.steps[i]!.step.text), faq: report.steps[i]!.step.faq })),
  ]
  const body = [title, ...wrap(say(s, report.next), width - 4), ...extra.flatMap((l) => wrap(l, width - 4))]
  const inner = Math.max(...body.map((l) => displayWidth(l))) + 2
  const row = (l: string, p: (x: string) => string = (x) => x) => `│ ${p(l)}${' '.repeat(inner - 1 - displayWidth(l))}│`
  return [`┌${'─'.repeat(inner)}┐`, row(title, (x) => paint(report.verdict, x)), ...body.slice(1).map((l) => row(l)), `└${'─'.repeat(inner)}┘`].join('\n')
}

/** `ukey diagnose --json` (docs/schema/diagnose.schema.json). */
export function diagnosisRecord(report: DiagnosisReport, s: Say, opts: { lab: boolean; input: string | null }): object {
  return {
    schemaVersion: SCHEMA_VERSION,
    kind: 'ukey.diagnose',
    lab: opts.lab,
    input: opts.input,
    code: report.code,
    title: s(report.title),
    verdict: report.verdict,
    next: say(s, report.next),
    concludedAt: report.concludedAt,
    steps: report.steps.map((r) => ({
      index: r.index,
      faq: r.step.faq,
      kind: r.step.kind,
      text: s(r.step.text),
      legacy: r.step.kind === 'instruction' ? Boolean(r.step.legacy) : false,
      question: r.step.kind === 'question' ? r.step.id : null,
      outcome: r.outcome,
      checkIds: r.step.kind === 'check' ? [r.step.check].flat() : [],
      checks: r.checks.map((c) => ({ id: c.id, outcome: c.result.outcome, data: c.result.data ?? {} })),
      evidence: r.evidence.map((e) => say(s, e)),
      remedy: r.remedy ? say(s, r.remedy) : null,
    })),
    exitCode: verdictExit(report.verdict),
  }
}

/** `ukey diagnose --list`. */
export function codesRecord(rules: readonly Rule[], s: Say, lab: boolean): object {
  return { schemaVersion: SCHEMA_VERSION, kind: 'ukey.diagnose.codes', lab, exitCode: 0, codes: rules.map((r) => ({ code: r.code, aliases: r.aliases, title: s(r.title), faq: r.faq })) }
}

export function codesText(rules: readonly Rule[], s: Say): string {
  const w = Math.max(...rules.map((r) => r.code.length))
  return rules.map((r) => `  ${r.code.padEnd(w)}  ${s(r.title)}  (${s('diagnose.label.faq', { faq: r.faq })})`).join('\n')
}
