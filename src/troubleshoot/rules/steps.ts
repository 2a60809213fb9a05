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

/**
 * 12(4), 13(4): "if the error persists, the key may be faulty (FAQ 3)". An answer
 * is not ukey's evidence: "yes" never makes the key faulty by itself. With the key
 * just proven (it signed, the signature verified) the fault lies elsewhere; without
 * that proof the technician is told what to check first. A refusal recorded by the
 * bank is the bank's side.
 */
export const persists = (faq: string): Step[] => [
  { kind: 'check', faq, text: 'diagnose.step.refusedBefore', check: 'renewal-refused', onFail: 'action' },
  {
    kind: 'question', faq, id: 'error-persists', text: 'diagnose.ask.persists', good: 'no',
    yes: { verdict: 'action', next: 'diagnose.next.persistsUnproven', whenProven: { verdict: 'action', next: 'diagnose.next.keyWorks' } },
  },
]

/** The proof ukey can give itself that the key works (403.7's heart; 12.4 before blaming the key). */
export const keySigns = (faq: string): Step => ({ kind: 'check', faq, text: 'diagnose.step.keySigns', check: 'key-signs', needed: true })
