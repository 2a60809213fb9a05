import { isUkeyError } from '../errors.js'
import { CHECKS, type Check } from './checks/index.js'
import { Probes } from './probes.js'
import type { Ask, CheckId, CheckResult, CheckStep, Conclusion, DiagnosisReport, Message, Rule, StepReport, Verdict, WalkEvent } from './types.js'
import type { DiagnoseWorld } from './world.js'

export interface WalkOptions {
  /** Asks the person; the command passes a prompt on a TTY and `async () => undefined` otherwise. */
  ask: Ask
  onEvent?: (e: WalkEvent) => void
  /** Checks by id (tests swap one in; a bank's build could add its own). */
  checks?: Record<CheckId, Check>
}

const SEVERITY: Record<Verdict, number> = { ok: 0, action: 1, faulty: 2 }

/** Checks whose pass is ukey's own proof that the key works: it signed and the signature verified, it made a key pair. */
const PROOF: readonly CheckId[] = ['key-signs', 'test-keygen']

/**
 * Walks a rule's steps in FAQ order: checks what a machine can, asks a person
 * only where no check can see, and stops at the first finding that concludes
 * (a failing check, or an answer that decides). Never prints, never prompts
 * itself: the questions go through `ask`, progress through `onEvent`.
 */
export async function diagnose(rule: Rule, world: DiagnoseWorld, opts: WalkOptions): Promise<DiagnosisReport> {
  const probes = new Probes(world)
  const checks = opts.checks ?? CHECKS
  const steps: StepReport[] = []
  let conclusion: { verdict: Verdict; next: Message; index: number } | null = null
  let provenBy: Message[] = []
  try {
    for (const [index, step] of rule.steps.entries()) {
      if (conclusion && !rule.survey) {
        steps.push({ index, step, outcome: 'skipped', checks: [], evidence: [] })
        continue
      }
      opts.onEvent?.({ type: 'step-start', index, step })
      let report: StepReport
      let concludes: { verdict: Verdict; next: Message } | null = null
      if (step.kind === 'instruction') {
        report = { index, step, outcome: 'shown', checks: [], evidence: [] }
      } else if (step.kind === 'question') {
        const answer = await opts.ask({ id: step.id, text: step.text })
        const outcome = answer === undefined ? 'unknown' : answer ? 'yes' : 'no'
        const answered: Conclusion | undefined = answer === undefined ? undefined : answer ? step.yes : step.no
        const proof = proofSoFar(steps)
        const c = answered?.whenProven && proof.length ? answered.whenProven : answered
        report = { index, step, outcome, checks: [], evidence: [] }
        if (c && c !== answered) provenBy = proof
        if (c) {
          concludes = { verdict: c.verdict, next: { text: c.next } }
          report.remedy = concludes.next
        }
      } else {
        report = await runCheckStep(index, step, probes, world, opts.ask, checks, Boolean(rule.survey))
        if (report.outcome === 'fail') {
          const failed = report.checks.find((c) => c.result.outcome === 'fail')?.result
          concludes = { verdict: failed?.verdict ?? step.onFail ?? 'action', next: report.remedy ?? { text: rule.done.next } }
        }
      }
      steps.push(report)
      opts.onEvent?.({ type: 'step-end', report })
      if (concludes && (!conclusion || SEVERITY[concludes.verdict] > SEVERITY[conclusion.verdict])) conclusion = { ...concludes, index }
    }
  } finally {
    await probes.close()
  }
  const unchecked = steps.filter((r) => r.step.kind === 'check' && r.step.needed && r.outcome === 'unknown').map((r) => r.index)
  let verdict = conclusion?.verdict ?? rule.done.verdict
  let next = conclusion?.next ?? { text: rule.done.next }
  // "Nothing wrong found" is a claim about every check the code depends on: one left unknown makes it "go and check".
  if (verdict === 'ok' && unchecked.length) {
    verdict = 'action'
    next = { text: 'diagnose.next.unchecked', params: { command: rule.survey ? 'ukey diagnose' : `ukey diagnose ${rule.code}` } }
  }
  return {
    code: rule.survey ? null : rule.code,
    title: rule.title,
    steps,
    verdict,
    next,
    concludedAt: conclusion?.index ?? null,
    unchecked,
    proof: provenBy,
  }
}

/** The evidence of every proof check that passed so far in the walk. */
function proofSoFar(steps: StepReport[]): Message[] {
  return steps.flatMap((r) => r.checks.filter((c) => PROOF.includes(c.id) && c.result.outcome === 'pass').flatMap((c) => c.result.evidence))
}

async function runCheckStep(index: number, step: CheckStep, probes: Probes, world: DiagnoseWorld, ask: Ask, checks: Record<CheckId, Check>, survey: boolean): Promise<StepReport> {
  const ids = Array.isArray(step.check) ? step.check : [step.check]
  if (step.consent && !ids.every((id) => world.allowed.includes(id))) {
    const answer = await ask({ id: `consent:${ids.join('+')}`, text: step.consent })
    if (!answer) {
      return { index, step, outcome: 'unknown', checks: [], evidence: [{ text: answer === false ? 'diagnose.ev.declined' : 'diagnose.ev.noConsent' }] }
    }
  }
  const results: StepReport['checks'] = []
  for (const id of ids) {
    const result = await runOne(checks[id], probes, step)
    results.push({ id, result })
    // Several checks are alternatives (the key, or a software certificate): the first that passes is enough
    // (the health check runs them all, to show everything).
    if (result.outcome === 'pass' && !survey) break
  }
  const outcome = results.some((r) => r.result.outcome === 'pass') ? 'pass' : results.some((r) => r.result.outcome === 'fail') ? 'fail' : 'unknown'
  const remedy = outcome === 'fail' ? results.find((r) => r.result.outcome === 'fail' && r.result.remedy)?.result.remedy : undefined
  return { index, step, outcome, checks: results, evidence: results.flatMap((r) => r.result.evidence), ...(remedy ? { remedy } : {}) }
}

/** A check that cannot finish (wrong PIN, key pulled out) is unknown with the reason; a locked PIN is a finding. */
async function runOne(check: Check, probes: Probes, step: CheckStep): Promise<CheckResult> {
  try {
    return await check(probes, step.options ?? {})
  } catch (e) {
    // Ctrl-C at the PIN prompt cancels the walk, as at a question: the technician stopped it.
    if (!isUkeyError(e) || e.code === 'CANCELLED') throw e
    const evidence = [{ text: e.key, params: e.params }]
    if (e.code === 'PIN_LOCKED') return { outcome: 'fail', evidence, remedy: { text: 'finding.pinLocked' }, verdict: 'faulty' }
    return { outcome: 'unknown', evidence, data: { error: e.code } }
  }
}

