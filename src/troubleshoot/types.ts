import type { CertSummary } from '../cert/summary.js'
import type { WindowAssessment, WindowState } from '../cert/window.js'
import type { TokenInfo } from '../hardware/pkcs11/types.js'
import type { MessageParams } from '../errors.js'
import type { MessageKey } from '../i18n/index.js'

/**
 * The vocabulary of the rules engine (DESIGN.md "The troubleshooting rules").
 * Rules are data made of these shapes; checks return them; the engine walks
 * them. Nothing here touches a terminal or a device.
 */

/** A text in the catalogue, or (for rules a bank adds as data) both languages inline. */
export type LocalText = MessageKey | { 'zh-CN': string; en: string }

/** A parameter value: plain, or in both languages (a vendor's name), chosen at the edge. */
export type LocalValue = MessageParams[string] | { 'zh-CN': string; en: string }

/** A text with its parameters, rendered in the user's language at the edge. */
export interface Message {
  text: LocalText
  params?: Record<string, LocalValue>
}

export type Verdict = 'ok' | 'action' | 'faulty'

export const CHECK_IDS = [
  'usb-key',
  'token-visible',
  'vendor-module',
  'module-vendor-match',
  'certificate-with-key',
  'key-signs',
  'renewal-window',
  'chains-to-bank-ca',
  'renewal-journal',
  'renewal-refused',
  'test-keygen',
  'device-busy',
  'soft-certificate',
  'renewal-server',
] as const
export type CheckId = (typeof CHECK_IDS)[number]

export type CheckOutcome = 'pass' | 'fail' | 'unknown'

export interface CheckResult {
  outcome: CheckOutcome
  /** What the check saw, for the person and for scripts (never a secret). */
  evidence: Message[]
  /** Facts for scripts (--json): states, counts, mechanisms. */
  data?: Record<string, string | number | boolean | null | undefined>
  /** The certificate the check looked at: --json writes it as every command's certificate object (docs/json.md). */
  certificate?: CheckedCertificate
  /** The token the check looked at: --json writes it as every command's token object. */
  token?: TokenInfo
  /** On failure: what to do about it. */
  remedy?: Message
  /** On failure, when the finding itself decides the verdict (a key that cannot sign is faulty). */
  verdict?: Verdict
}

/** A certificate a check read off the key: its CKA_ID, and its window assessed once per walk (troubleshoot/probes.ts). */
export interface CheckedCertificate {
  id: string
  summary: CertSummary
  window: WindowAssessment
}

/** How a step tunes its check: the window states that pass for this code. */
export interface CheckOptions {
  acceptStates?: WindowState[]
}

/** What an answer or a failure leads to: a verdict and the next action. */
export interface Conclusion {
  verdict: Verdict
  next: LocalText
  /**
   * Used instead when ukey itself has just proven the key works (a signature
   * verified, a key pair generated): "if it persists the key may be faulty"
   * (FAQ 12.4, 13.4) then points away from the key.
   */
  whenProven?: Conclusion
}

interface StepBase {
  /** The FAQ question and step this comes from ("10.1"), or the question alone for ukey's own checks. */
  faq: string
  text: LocalText
}

/** A check a machine can make. Several ids: any one passing is enough (FAQ 10.1: the key, or a software certificate). */
export interface CheckStep extends StepBase {
  kind: 'check'
  check: CheckId | CheckId[]
  options?: CheckOptions
  /** The verdict when the check fails and does not decide one itself (default: action). */
  onFail?: Verdict
  /** Asked before the check runs (it needs the PIN, or changes the key); declined or unanswerable: unknown. */
  consent?: LocalText
  /** What the code is about depends on it: left unknown (no PIN, wrong PIN, declined), the verdict cannot be "nothing wrong". */
  needed?: boolean
}

/** Only a person can see it (the customer's browser, whether the error persists). */
export interface QuestionStep extends StepBase {
  kind: 'question'
  id: string
  /** What each answer concludes; an answer without one goes on to the next step. */
  yes?: Conclusion
  no?: Conclusion
  /** The answer that is good news (✔); the other is marked ✖. "Does the error persist?": no. */
  good?: 'yes' | 'no'
}

/** Something to do or tell, no check possible. `legacy`: advice for the bank's old web page, never for ukey. */
export interface InstructionStep extends StepBase {
  kind: 'instruction'
  legacy?: boolean
}

export type Step = CheckStep | QuestionStep | InstructionStep

export interface Rule {
  /** The code as the bank shows it: "0124", "403.7". */
  code: string
  /** Other ways a customer or a technician writes it: "124", "HTTP 403.7", the Chinese message. */
  aliases: string[]
  /** What the code means, one line (for --list). */
  title: LocalText
  /** The FAQ question this rule is (seed/faq-en.md). */
  faq: string
  steps: Step[]
  /** When every step ran and none concluded. */
  done: Conclusion
  /** Run every step even after a failure (the health check); verdict: the worst failure. */
  survey?: boolean
}

export type StepOutcome = CheckOutcome | 'yes' | 'no' | 'shown' | 'skipped'

export interface StepReport {
  index: number
  step: Step
  outcome: StepOutcome
  /** For a step of several checks: each check's own result. */
  checks: Array<{ id: CheckId; result: CheckResult }>
  evidence: Message[]
  remedy?: Message
}

export interface DiagnosisReport {
  code: string | null
  title: LocalText
  steps: StepReport[]
  verdict: Verdict
  next: Message
  /** The step that concluded the walk, if one did. */
  concludedAt: number | null
  /** Needed checks that could not run (indexes into steps): the box names them and how to run them. */
  unchecked: number[]
  /** ukey's own proof that the key works, shown in the box when it decided the verdict. */
  proof: Message[]
}

/** Asks a person a yes/no question; undefined when nobody can answer (no TTY, --no-input). */
export type Ask = (question: { id: string; text: LocalText }) => Promise<boolean | undefined>

export type WalkEvent = { type: 'step-start'; index: number; step: Step } | { type: 'step-end'; report: StepReport }
