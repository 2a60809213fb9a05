import type { Rule } from '../types.js'
import { closeBrowser, keyInserted, managementTool } from './steps.js'

/** FAQ 10: "0124 生成密钥对失败", key-pair generation failed during renewal. */
export const rule0124: Rule = {
  code: '0124',
  aliases: ['124', '生成密钥对失败', '0124 生成密钥对失败', 'key-pair generation failed', 'key pair generation failed'],
  title: 'diagnose.title.0124',
  faq: '10',
  steps: [
    keyInserted('10.1'),
    ...closeBrowser('10.2'),
    ...managementTool('10.3'),
    // What 0124 says went wrong, tried on the key itself: with the right tool a key that still cannot make a key pair is faulty.
    { kind: 'check', faq: '10', text: 'diagnose.step.testKeygen', check: 'test-keygen', consent: 'diagnose.ask.keygen', needed: true },
    { kind: 'instruction', faq: '10.3', text: 'diagnose.step.retry' },
  ],
  done: { verdict: 'ok', next: 'diagnose.next.retry' },
}
