import type { BankProfile } from './types.js'

/** The FAQ's values (questions 4–6): renewable from 30 days before expiry to 90 days after. */
export const DEFAULT_PROFILE: BankProfile = {
  name: 'built-in (bank FAQ)',
  lab: false,
  source: 'built-in',
  window: { renewBeforeDays: 30, graceAfterDays: 90 },
}
