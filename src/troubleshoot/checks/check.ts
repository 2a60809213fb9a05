import type { MessageKey } from '../../i18n/index.js'
import type { Probes } from '../probes.js'
import type { CheckOptions, CheckResult, LocalValue, Message } from '../types.js'

/** A check: looks through the shared probes, returns pass / fail / unknown with what it saw. */
export type Check = (probes: Probes, options: CheckOptions) => Promise<CheckResult>

export function msg(text: MessageKey, params?: Record<string, LocalValue>): Message {
  return params ? { text, params } : { text }
}

export function unknown(...evidence: Message[]): CheckResult {
  return { outcome: 'unknown', evidence }
}
