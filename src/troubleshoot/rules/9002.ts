import type { Rule } from '../types.js'
import { closeBrowser, keyInserted, keyReadable } from './steps.js'

/** FAQ 11: "9002 读取控件序列号为空", the bank's control read an empty key serial. */
export const rule9002: Rule = {
  code: '9002',
  aliases: ['读取控件序列号为空', '读取控件序列号为空，请您检查USBKEY是否插入', '9002 读取控件序列号为空', 'control serial number empty'],
  title: 'diagnose.title.9002',
  faq: '11',
  steps: [
    keyInserted('11.1'),
    keyReadable('11.1'),
    ...closeBrowser('11.2'),
    { kind: 'instruction', faq: '11.3', text: 'diagnose.step.trustedSites', legacy: true },
    { kind: 'instruction', faq: '11.3', text: 'diagnose.step.retry' },
  ],
  done: { verdict: 'ok', next: 'diagnose.next.retry' },
}
