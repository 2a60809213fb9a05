import type { Step } from '../types.js'

/**
 * FAQ 10's three remedies, which 11, 12 and 13 refer back to ("as 10(1)"):
 * written once, with the FAQ step they implement, and referenced by each rule.
 */

/** 10(1): the key is inserted; customers without a key: this is the computer with the certificate. */
export const keyInserted = (faq: string): Step => ({
  kind: 'check', faq, text: 'diagnose.step.keyInserted', check: ['usb-key', 'token-visible', 'soft-certificate'],
})

/** What the bank's control reads: the key through its vendor's module (its serial, its certificate). */
export const keyReadable = (faq: string): Step => ({
  kind: 'check', faq, text: 'diagnose.step.keyReadable', check: ['token-visible', 'soft-certificate'],
})

/** 10(2): close every IE window and open the renewal page again; for ukey, no other program holding the key. */
export const closeBrowser = (faq: string): Step[] => [
  { kind: 'check', faq, text: 'diagnose.step.deviceFree', check: 'device-busy' },
  { kind: 'instruction', faq, text: 'diagnose.step.closeIe', legacy: true },
]

/** 10(3): the latest management tool of the key's own vendor. */
export const managementTool = (faq: string): Step[] => [
  { kind: 'check', faq, text: 'diagnose.step.vendorModule', check: 'vendor-module' },
  { kind: 'check', faq, text: 'diagnose.step.vendorMatch', check: 'module-vendor-match' },
  // A customer without a key (software certificate) has no token for a module to show.
  { kind: 'check', faq, text: 'diagnose.step.tokenVisible', check: ['token-visible', 'soft-certificate'] },
]

/** 12(4), 13(4): the error persists after all this: the key may be faulty, a new one at the counter (FAQ 3). */
export const persists = (faq: string): Step[] => [
  { kind: 'check', faq, text: 'diagnose.step.refusedBefore', check: 'renewal-refused', onFail: 'faulty' },
  {
    kind: 'question', faq, id: 'error-persists', text: 'diagnose.ask.persists',
    yes: { verdict: 'faulty', next: 'diagnose.next.faulty' },
  },
]
