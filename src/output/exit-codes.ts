import type { WindowState } from '../cert/window.js'
import type { ErrorCode, UkeyError } from '../errors.js'
import type { Verdict } from '../troubleshoot/types.js'

/** DESIGN.md's exit codes: a contract with scripts. Documented in README and `ukey help exit-codes`. */
export const EXIT = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  INPUT: 3,
  RENEWABLE: 10,
  GRACE: 11,
  LAPSED: 12,
  NOT_YET_VALID: 13,
  DIAGNOSIS_ACTION: 20,
  DIAGNOSIS_FAULTY: 21,
  RENEWAL_REFUSED: 30,
  RENEWAL_INTERRUPTED: 31,
  /** Ctrl-C at a prompt: the shell's convention for SIGINT (128 + 2). */
  CANCELLED: 130,
} as const

export const STATE_EXIT: Record<WindowState, number> = {
  valid: EXIT.OK,
  renewable: EXIT.RENEWABLE,
  grace: EXIT.GRACE,
  lapsed: EXIT.LAPSED,
  'not-yet-valid': EXIT.NOT_YET_VALID,
}

/** Each error code's exit code: the domain raises typed errors, this layer (and only it) knows processes. */
export const ERROR_EXIT: Record<ErrorCode, number> = {
  INPUT_NOT_FOUND: EXIT.INPUT,
  INPUT_UNREADABLE: EXIT.INPUT,
  INPUT_IS_DIRECTORY: EXIT.INPUT,
  INPUT_EMPTY: EXIT.INPUT,
  INPUT_TOO_LARGE: EXIT.INPUT,
  NOT_A_CERTIFICATE: EXIT.INPUT,
  CERT_TRUNCATED: EXIT.INPUT,
  CERT_CORRUPT: EXIT.INPUT,
  PKCS12_PASSWORD_WRONG: EXIT.INPUT,
  PKCS12_PASSWORD_REQUIRED: EXIT.INPUT,
  PKCS12_UNSUPPORTED: EXIT.INPUT,
  PKCS11_NO_MODULE: EXIT.INPUT,
  PKCS11_MODULE_NOT_FOUND: EXIT.INPUT,
  PKCS11_MODULE_INVALID: EXIT.INPUT,
  PKCS11_FUNCTION_NOT_SUPPORTED: EXIT.INPUT,
  PKCS11_DEVICE_ERROR: EXIT.INPUT,
  USB_UNAVAILABLE: EXIT.INPUT,
  PKCS11_MODULE_WRONG_ARCH: EXIT.INPUT,
  STORE_WINDOWS_ONLY: EXIT.INPUT,
  STORE_UNREADABLE: EXIT.INPUT,
  TOKEN_NOT_FOUND: EXIT.INPUT,
  TOKEN_AMBIGUOUS: EXIT.USAGE,
  TOKEN_REMOVED: EXIT.INPUT,
  TOKEN_NO_CERTIFICATE: EXIT.INPUT,
  CERT_WITHOUT_KEY: EXIT.INPUT,
  PIN_REQUIRED: EXIT.INPUT,
  PIN_INCORRECT: EXIT.INPUT,
  PIN_FINAL_TRY: EXIT.INPUT,
  PIN_LOCKED: EXIT.INPUT,
  LAB_EXISTS: EXIT.INPUT,
  LAB_NO_SOFTHSM: EXIT.INPUT,
  LAB_MISSING: EXIT.INPUT,
  LAB_PORT_IN_USE: EXIT.INPUT,
  LAB_STORE_DAMAGED: EXIT.INPUT,
  RENEWAL_REFUSED: EXIT.RENEWAL_REFUSED,
  RENEWAL_BAD_CERTIFICATE: EXIT.RENEWAL_REFUSED,
  RENEWAL_UNAVAILABLE: EXIT.RENEWAL_INTERRUPTED,
  RENEWAL_PROXY_REFUSED: EXIT.RENEWAL_INTERRUPTED,
  RENEWAL_PROXY_UNREACHABLE: EXIT.RENEWAL_INTERRUPTED,
  // renew: 30 = the renewal will not happen as asked (retrying does not help); 31 = it did not complete, the old certificate works, a rerun may.
  RENEWAL_NOT_CONFIGURED: EXIT.INPUT,
  RENEWAL_OUTSIDE_WINDOW: EXIT.RENEWAL_REFUSED,
  RENEWAL_ALREADY_DONE: EXIT.RENEWAL_REFUSED,
  RENEWAL_KEYGEN_FAILED: EXIT.RENEWAL_INTERRUPTED,
  RENEWAL_INTERRUPTED: EXIT.RENEWAL_INTERRUPTED,
  RENEWAL_NEEDS_CONFIRMATION: EXIT.USAGE,
  RENEWAL_CERT_AMBIGUOUS: EXIT.USAGE,
  RENEWAL_NEW_KEY_UNUSABLE: EXIT.RENEWAL_INTERRUPTED,
  RENEWAL_BUSY: EXIT.RENEWAL_INTERRUPTED,
  RENEWAL_JOURNAL_UNWRITABLE: EXIT.RENEWAL_INTERRUPTED,
  RENEWAL_TRANSACTION_LOST: EXIT.RENEWAL_INTERRUPTED,
  // The answer is not signed by the profile's bank: asking again cannot help.
  RENEWAL_SERVER_UNTRUSTED: EXIT.RENEWAL_REFUSED,
  PROFILE_INVALID: EXIT.INPUT,
  PROFILE_UNREADABLE: EXIT.INPUT,
  USAGE: EXIT.USAGE,
  CANCELLED: EXIT.CANCELLED,
  INTERNAL: EXIT.FAILURE,
  OUTPUT_UNWRITABLE: EXIT.FAILURE,
}

export function exitCodeOf(error: UkeyError): number {
  return ERROR_EXIT[error.code]
}

/** diagnose: 0 nothing wrong found, 20 action needed, 21 the key is faulty (DESIGN.md). */
export const VERDICT_EXIT: Record<Verdict, number> = { ok: EXIT.OK, action: EXIT.DIAGNOSIS_ACTION, faulty: EXIT.DIAGNOSIS_FAULTY }

export function verdictExit(v: Verdict): number {
  return VERDICT_EXIT[v]
}

// For a batch the most severe outcome wins: 12 > 11 > 10 > 13 > 3 > 0 (DESIGN.md).
const SEVERITY: number[] = [EXIT.LAPSED, EXIT.GRACE, EXIT.RENEWABLE, EXIT.NOT_YET_VALID, EXIT.INPUT, EXIT.OK]

export function worstExit(a: number, b: number): number {
  const ra = SEVERITY.indexOf(a)
  const rb = SEVERITY.indexOf(b)
  // Codes outside the batch ladder (1, 2) are failures of the run itself: they win.
  if (ra < 0) return a
  if (rb < 0) return b
  return ra <= rb ? a : b
}
