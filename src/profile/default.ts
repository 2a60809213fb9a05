import { DEFAULT_KEY_NAME } from '../i18n/index.js'
import { BUILTIN_VENDORS } from './vendors.js'
import type { BankProfile } from './types.js'

/** The FAQ's values (questions 1, 4–6): four vendors; renewable from 30 days before expiry to 90 days after. */
export const DEFAULT_PROFILE: BankProfile = {
  name: 'built-in (bank FAQ)',
  lab: false,
  keyName: { ...DEFAULT_KEY_NAME },
  source: 'built-in',
  window: { renewBeforeDays: 30, graceAfterDays: 90 },
  vendors: BUILTIN_VENDORS,
  pkcs11: { modules: [], environment: {}, p11kit: true },
  renewal: null,
}
