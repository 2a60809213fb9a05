import type { Rule } from '../types.js'
import { closeBrowser, keyInserted, keyReadable, keySigns, persists } from './steps.js'

/** FAQ 12: "0116 此证书换证条件不满足或是已进行过换证申请", renewal conditions not met, or already applied for. */
export const rule0116: Rule = {
  code: '0116',
  aliases: ['116', '此证书换证条件不满足或是已进行过换证申请', '换证条件不满足', '已进行过换证申请', '0116 此证书换证条件不满足或是已进行过换证申请'],
  title: 'diagnose.title.0116',
  faq: '12',
  steps: [
    // "…or renewal was already applied for": ukey's own journal knows.
    { kind: 'check', faq: '12', text: 'diagnose.step.alreadyApplied', check: 'renewal-journal' },
    { kind: 'check', faq: '12.1', text: 'diagnose.step.window', check: 'renewal-window', options: { acceptStates: ['renewable', 'grace'] } },
    keyInserted('12.2'),
    keyReadable('12.2'),
    ...closeBrowser('12.3'),
    { kind: 'check', faq: '12', text: 'diagnose.step.certificateWithKey', check: 'certificate-with-key', needed: true },
    { kind: 'check', faq: '12', text: 'diagnose.step.bankCa', check: 'chains-to-bank-ca' },
    // Before 12.4 blames the key: does it sign? (ukey's proof, not the customer's impression.)
    keySigns('12.4'),
    ...persists('12.4'),
  ],
  done: { verdict: 'ok', next: 'diagnose.next.retryThenCounter' },
}
