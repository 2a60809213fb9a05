import { UkeyError, isUkeyError, type ErrorCode } from '../../errors.js'
import { CryptokiError } from './cryptoki-error.js'

/**
 * PKCS#11 return values as ukey errors. The binding throws `CryptokiError`
 * whose message is the CKR name ("CKR_PIN_INCORRECT") and whose `code` is the
 * number; vendor codes (≥ 0x80000000) all share the name "CKR_VENDOR_DEFINED",
 * so the number goes into the detail. Nothing here sees a PIN: C_Login's error names
 * the return value only, and no parameter of ours carries call arguments.
 */

const BY_NAME: Record<string, ErrorCode> = {
  CKR_PIN_INCORRECT: 'PIN_INCORRECT',
  // A PIN of the wrong length or with characters the token refuses is a wrong PIN
  // to the user (SoftHSM and most vendor modules do not count it as a try).
  CKR_PIN_LEN_RANGE: 'PIN_INCORRECT',
  CKR_PIN_INVALID: 'PIN_INCORRECT',
  CKR_PIN_LOCKED: 'PIN_LOCKED',
  CKR_DEVICE_REMOVED: 'TOKEN_REMOVED',
  CKR_TOKEN_NOT_PRESENT: 'TOKEN_REMOVED',
  CKR_FUNCTION_NOT_SUPPORTED: 'PKCS11_FUNCTION_NOT_SUPPORTED',
  CKR_MECHANISM_INVALID: 'PKCS11_FUNCTION_NOT_SUPPORTED',
  CKR_DEVICE_ERROR: 'PKCS11_DEVICE_ERROR',
  CKR_DEVICE_MEMORY: 'PKCS11_DEVICE_ERROR',
  CKR_USER_NOT_LOGGED_IN: 'PIN_REQUIRED',
}

/** Return values that mean "this session is gone": a removed token, or a bug of ours. */
const SESSION_GONE = new Set(['CKR_SESSION_HANDLE_INVALID', 'CKR_SESSION_CLOSED', 'CKR_SLOT_ID_INVALID'])

/** The CKR name of a failed PKCS#11 call, or undefined for anything else. */
export function ckrName(e: unknown): string | undefined {
  return e instanceof CryptokiError ? e.message : undefined
}

function ckrDetail(e: Error, name: string): string {
  const code = (e as { code?: unknown }).code
  // Vendor codes are what a bank's help desk can look up in the vendor's table (FAQ 10).
  if (name === 'CKR_VENDOR_DEFINED' && typeof code === 'number') return `${name} 0x${code.toString(16).padStart(8, '0')}`
  return name
}

export interface MapContext {
  /** What was being done, for errors that name an unsupported function ("CKM_ECDSA_SHA256"). */
  operation?: string
  /**
   * Asked after CKR_SESSION_HANDLE_INVALID / CKR_SESSION_CLOSED / CKR_SLOT_ID_INVALID:
   * is the token still in its slot? A module forgets every session of a pulled-out
   * key, so an invalid handle then means "removed"; with the key still present it is
   * a device error.
   */
  tokenPresent?: () => boolean
}

/** Turns anything a PKCS#11 call threw into a UkeyError (UkeyErrors pass through). */
export function toUkeyError(e: unknown, ctx: MapContext = {}): UkeyError {
  if (isUkeyError(e)) return e
  const name = ckrName(e)
  if (!name) {
    const detail = e instanceof Error ? e.message : String(e)
    // koffi throws TypeError for arguments of the wrong shape: a bug of ours, not the key's.
    return new UkeyError(e instanceof TypeError ? 'INTERNAL' : 'PKCS11_DEVICE_ERROR', { params: { detail }, cause: e })
  }
  const err = e as Error
  if (SESSION_GONE.has(name)) {
    let present = false
    try {
      present = ctx.tokenPresent?.() ?? false
    } catch {
      present = false
    }
    if (!present) return new UkeyError('TOKEN_REMOVED', { params: { detail: name }, cause: e })
    return new UkeyError('PKCS11_DEVICE_ERROR', { params: { detail: name }, cause: e })
  }
  const code = BY_NAME[name] ?? 'PKCS11_DEVICE_ERROR'
  switch (code) {
    case 'PIN_INCORRECT':
      // SoftHSM and most modules do not say how many tries are left (pinTriesLeft: null).
      return new UkeyError(code, { params: { tries: '' }, cause: e })
    case 'PKCS11_FUNCTION_NOT_SUPPORTED':
      return new UkeyError(code, { params: { detail: ctx.operation ? `${ctx.operation} (${name})` : name }, cause: e })
    default:
      return new UkeyError(code, { params: { detail: ckrDetail(err, name) }, cause: e })
  }
}
