import { UkeyError } from '../errors.js'
import type { TokenInfo } from '../hardware/pkcs11/types.js'
import { identifyVendor, type Vendor } from '../profile/vendors.js'

/**
 * `renew --key-number`: the number printed on the key's case, as a check that
 * the renewal is about to change the key the technician holds. Its first two
 * digits name the vendor (FAQ 1); a plugged key whose serial or manufacturer
 * names another vendor is not that key, so nothing is changed on it.
 */
export function checkKeyNumber(printed: string, token: TokenInfo, vendors: Vendor[]): void {
  const verdict = identifyVendor(vendors, { printed, tokenSerial: token.serial, manufacturer: token.manufacturer })
  if (!verdict.conflict) return
  throw new UkeyError('TOKEN_NOT_FOUND', {
    key: 'error.KEY_NUMBER_MISMATCH',
    params: { number: printed, serial: token.serial, manufacturer: token.manufacturer },
  })
}
