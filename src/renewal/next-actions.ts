import type { ErrorCode } from '../errors.js'
import type { MessageKey } from '../i18n/index.js'

/**
 * What to do next after each way a renewal can fail (issue 15: every RENEWAL_*
 * code has a next action, so a script or a technician is never left with only
 * the error). Used when the place that failed gave no more specific advice.
 * The map is total over the RENEWAL_* codes: a new code does not compile until
 * it says what to do.
 */
export const RENEWAL_NEXT_ACTIONS: Record<Extract<ErrorCode, `RENEWAL_${string}`>, MessageKey> = {
  // The bank said no without an FAQ code: its words are in the message; the bank's hotline reads them.
  RENEWAL_REFUSED: 'action.callBank',
  // The bank issued something ukey will not install: the bank must look at it, retrying gets the same.
  RENEWAL_BAD_CERTIFICATE: 'action.callBank',
  RENEWAL_SERVER_UNTRUSTED: 'action.checkProfile',
  RENEWAL_UNAVAILABLE: 'action.renewLater',
  RENEWAL_NOT_CONFIGURED: 'action.checkProfile',
  RENEWAL_OUTSIDE_WINDOW: 'action.diagnose0116',
  RENEWAL_ALREADY_DONE: 'action.diagnose0116',
  RENEWAL_KEYGEN_FAILED: 'action.diagnose0124',
  RENEWAL_INTERRUPTED: 'action.renewLater',
  RENEWAL_NEEDS_CONFIRMATION: 'action.confirmYes',
  RENEWAL_CERT_AMBIGUOUS: 'action.chooseId',
  RENEWAL_NEW_KEY_UNUSABLE: 'action.diagnose4037',
  RENEWAL_BUSY: 'action.waitOther',
  RENEWAL_JOURNAL_UNWRITABLE: 'action.renewAgain',
  RENEWAL_PROXY_REFUSED: 'action.checkProxy',
  RENEWAL_PROXY_UNREACHABLE: 'action.checkProxy',
  RENEWAL_TRANSACTION_LOST: 'action.renewAgain',
}

export function nextActionOf(code: ErrorCode): MessageKey | undefined {
  return (RENEWAL_NEXT_ACTIONS as Partial<Record<ErrorCode, MessageKey>>)[code]
}
