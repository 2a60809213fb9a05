import type { Rule } from '../types.js'
import { closeBrowser, keyInserted, keySigns, managementTool, persists } from './steps.js'

/** FAQ 13: "HTTP 403.7 Forbidden: client certificate required". */
export const rule4037: Rule = {
  code: '403.7',
  aliases: ['403', '4037', 'HTTP 403.7', 'HTTP 403', 'HTTP 403.7 Forbidden', '403.7 Forbidden', 'HTTP 403.7 Forbidden: client certificate required', '403.7 禁止访问：要求客户端证书'],
  title: 'diagnose.title.4037',
  faq: '13',
  steps: [
    keyInserted('13.1'),
    ...closeBrowser('13.2'),
    ...managementTool('13.3'),
    // What "client certificate required" needs of the key, each checked.
    { kind: 'check', faq: '13', text: 'diagnose.step.certificateWithKey', check: 'certificate-with-key', needed: true },
    { kind: 'check', faq: '13', text: 'diagnose.step.windowUsable', check: 'renewal-window', options: { acceptStates: ['valid', 'renewable', 'grace'] } },
    { kind: 'check', faq: '13', text: 'diagnose.step.bankCa', check: 'chains-to-bank-ca' },
    keySigns('13'),
    ...persists('13.4'),
  ],
  done: { verdict: 'ok', next: 'diagnose.next.retryThenCounter' },
}
