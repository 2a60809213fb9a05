import type { MessageKey } from './i18n/en.js'

/**
 * Stable error codes: scripts and the help topic rely on them, so a code is never
 * renamed or reused. Each maps to a message in both catalogues, and to an exit code
 * at the command layer (src/output/exit-codes.ts): errors know nothing of processes.
 */
export const ERROR_CODES = [
  'INPUT_NOT_FOUND',
  'INPUT_UNREADABLE',
  'INPUT_IS_DIRECTORY',
  'INPUT_EMPTY',
  'INPUT_TOO_LARGE',
  'NOT_A_CERTIFICATE',
  'CERT_TRUNCATED',
  'CERT_CORRUPT',
  'PKCS12_PASSWORD_WRONG',
  'PKCS12_PASSWORD_REQUIRED',
  'PKCS12_UNSUPPORTED',
  'PKCS11_NO_MODULE',
  'PKCS11_MODULE_NOT_FOUND',
  'PKCS11_MODULE_INVALID',
  'PKCS11_FUNCTION_NOT_SUPPORTED',
  'PKCS11_DEVICE_ERROR',
  'USB_UNAVAILABLE',
  'TOKEN_NOT_FOUND',
  'TOKEN_AMBIGUOUS',
  'TOKEN_REMOVED',
  'TOKEN_NO_CERTIFICATE',
  'CERT_WITHOUT_KEY',
  'PIN_REQUIRED',
  'PIN_INCORRECT',
  'PIN_FINAL_TRY',
  'PIN_LOCKED',
  'LAB_EXISTS',
  'LAB_NO_SOFTHSM',
  'LAB_MISSING',
  'LAB_PORT_IN_USE',
  'LAB_STORE_DAMAGED',
  'RENEWAL_REFUSED',
  'RENEWAL_BAD_CERTIFICATE',
  'RENEWAL_UNAVAILABLE',
  'RENEWAL_NOT_CONFIGURED',
  'RENEWAL_OUTSIDE_WINDOW',
  'RENEWAL_ALREADY_DONE',
  'RENEWAL_KEYGEN_FAILED',
  'RENEWAL_INTERRUPTED',
  'RENEWAL_NEEDS_CONFIRMATION',
  'RENEWAL_CERT_AMBIGUOUS',
  'RENEWAL_NEW_KEY_UNUSABLE',
  'RENEWAL_BUSY',
  'RENEWAL_JOURNAL_UNWRITABLE',
  'PROFILE_INVALID',
  'PROFILE_UNREADABLE',
  'USAGE',
  'CANCELLED',
  'INTERNAL',
  'PKCS11_MODULE_WRONG_ARCH',
  'STORE_WINDOWS_ONLY',
  'STORE_UNREADABLE',
  'RENEWAL_PROXY_REFUSED',
  'RENEWAL_PROXY_UNREACHABLE',
  'RENEWAL_TRANSACTION_LOST',
  'RENEWAL_SERVER_UNTRUSTED',
  'OUTPUT_UNWRITABLE',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

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
}

export function isUkeyError(e: unknown): e is UkeyError {
  return e instanceof UkeyError
}

/** A command line that cannot be run as given (exit 2): the detail says what is wrong. */
export function usageError(detail: string): UkeyError {
  return new UkeyError('USAGE', { params: { detail } })
}
