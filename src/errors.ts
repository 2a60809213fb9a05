import { EXIT } from './exit-codes.js'
import type { MessageKey } from './i18n/en.js'

/**
 * Stable error codes: scripts and the help topic rely on them, so a code is never
 * renamed or reused. Each maps to a message in both catalogues and an exit code.
 */
export const ERROR_EXIT = {
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
  PROFILE_INVALID: EXIT.INPUT,
  PROFILE_UNREADABLE: EXIT.INPUT,
  USAGE: EXIT.USAGE,
  CANCELLED: EXIT.CANCELLED,
  INTERNAL: EXIT.FAILURE,
} as const

export type ErrorCode = keyof typeof ERROR_EXIT

export type MessageParams = Record<string, string | number>

/**
 * The one error shape below the commands: a code, a catalogue key with its
 * parameters (rendered in the user's language at the edge), and suggested actions.
 * Never carries a secret: parameters are names, paths and counts.
 */
export class UkeyError extends Error {
  readonly code: ErrorCode
  readonly key: MessageKey
  readonly params: MessageParams
  readonly actions: MessageKey[]

  constructor(code: ErrorCode, opts: { key?: MessageKey; params?: MessageParams; actions?: MessageKey[]; cause?: unknown } = {}) {
    super(`${code}${opts.params ? ' ' + JSON.stringify(opts.params) : ''}`, { cause: opts.cause })
    this.name = 'UkeyError'
    this.code = code
    this.key = opts.key ?? (`error.${code}` as MessageKey)
    this.params = opts.params ?? {}
    this.actions = opts.actions ?? []
  }

  get exitCode(): number {
    return ERROR_EXIT[this.code]
  }
}

export function isUkeyError(e: unknown): e is UkeyError {
  return e instanceof UkeyError
}
