import { ckrNameOf } from './cryptoki-constants.js'

/**
 * A PKCS#11 function returned something other than CKR_OK. The message is the
 * CKR name only ("CKR_PIN_INCORRECT"): never an argument, so never a PIN.
 * `code` is the number (vendor codes ≥ 0x80000000 share one name).
 */
export class CryptokiError extends Error {
  readonly code: number

  constructor(
    rv: number,
    readonly functionName: string,
  ) {
    super(ckrNameOf(rv))
    this.name = 'CryptokiError'
    this.code = rv
  }
}
