import type { CertSummary } from '../../cert/summary.js'
import type { WindowAssessment } from '../../cert/window.js'
import type { KeyAlgorithmSpec, TokenInfo } from '../../hardware/pkcs11/types.js'
import type { RenewalStep } from '../journal.js'

/** What a renewal reports while it runs (the command layer draws spinners and ticks from these; nothing below prints). */
export type RenewEvent =
  | { type: 'step'; step: RenewalStep; phase: 'begin' | 'end'; ms?: number }
  | { type: 'waiting'; seconds: number; poll: number }
  | { type: 'resume'; journal: string; after: RenewalStep | null }
  | { type: 'rollback'; detail: string }
  | { type: 'plan'; plan: RenewPlan }
  /** What the renewal knows so far (the key, then the certificate and server, then its journal): a failure document carries it. */
  | { type: 'known'; token: TokenInfo; plan?: KnownPlan; journal?: string }

export interface PlanCheck {
  name: 'token' | 'window' | 'pin' | 'key' | 'server' | 'journal'
  ok: boolean
  detail: string
}

export interface RenewPlan {
  token: TokenInfo
  certificate: { id: string; label: string; summary: CertSummary; sha256: string }
  window: WindowAssessment
  newKey: KeyAlgorithmSpec
  server: string
  /** An interrupted renewal this run continues. */
  resume: { journal: string; after: RenewalStep | null } | null
  /** What a dry run checked (the window and token checks pass, or the plan would not exist). */
  checks: PlanCheck[]
}

/** The plan as far as it is known: the new key is null when none of the old one's kind can be made (SM2, FAQ 0124). */
export type KnownPlan = Omit<RenewPlan, 'newKey'> & { newKey: KeyAlgorithmSpec | null }

/**
 * The fault-injection seam: called after each journalled step ends (with the
 * step's name) and after each single object removal (`old-removed:<kind>`), so
 * a test can kill the process at exactly that point. Absent in normal runs.
 */
export type Checkpoint = (point: string) => void
