import { CHECK_IDS, type CheckId, type Rule } from '../types.js'
import { keyInserted } from './steps.js'

const TEXT: Record<CheckId, Rule['steps'][number]['text']> = {
  'usb-key': 'diagnose.step.usbKey',
  'token-visible': 'diagnose.step.tokenVisible',
  'vendor-module': 'diagnose.step.vendorModule',
  'module-vendor-match': 'diagnose.step.vendorMatch',
  'certificate-with-key': 'diagnose.step.certificateWithKey',
  'key-signs': 'diagnose.step.keySigns',
  'renewal-window': 'diagnose.step.windowHealth',
  'chains-to-bank-ca': 'diagnose.step.bankCa',
  'renewal-journal': 'diagnose.step.alreadyApplied',
  'renewal-refused': 'diagnose.step.refusedBefore',
  'test-keygen': 'diagnose.step.testKeygen',
  'device-busy': 'diagnose.step.deviceFree',
  'soft-certificate': 'diagnose.step.softCertificate',
  'renewal-server': 'diagnose.step.renewalServer',
}

const FAQ: Record<CheckId, string> = {
  'usb-key': '10.1',
  'token-visible': '11',
  'vendor-module': '2',
  'module-vendor-match': '10.3',
  'certificate-with-key': '13',
  'key-signs': '13',
  'renewal-window': '4',
  'chains-to-bank-ca': '13',
  'renewal-journal': '12',
  'renewal-refused': '12.4',
  'test-keygen': '10',
  'device-busy': '10.2',
  'soft-certificate': '10.1',
  'renewal-server': '9',
}

/**
 * `ukey diagnose` without a code: every check once, none stopping the others
 * (alternatives included: the survey runs them all).
 * The window passes while the certificate still works (a renewal due is
 * check-window's news, not a fault). A renewal already done is no fault here.
 */
export const healthRule: Rule = {
  code: 'health',
  aliases: [],
  title: 'diagnose.title.health',
  faq: '-',
  survey: true,
  // The key on USB, or a token, or a software certificate: any is a customer's credential here (a lab token has no USB device).
  steps: [keyInserted('10.1'), ...CHECK_IDS.filter((id) => id !== 'usb-key' && id !== 'soft-certificate').map((id) => ({
    kind: 'check' as const,
    faq: FAQ[id],
    text: TEXT[id],
    check: id,
    ...(id === 'renewal-window' ? { options: { acceptStates: ['valid' as const, 'renewable' as const, 'grace' as const] } } : {}),
    ...(id === 'test-keygen' ? { consent: 'diagnose.ask.keygen' as const } : {}),
    // "Healthy" is a claim that the key holds its certificate and signs: unknown there, no such claim.
    ...(id === 'certificate-with-key' || id === 'key-signs' ? { needed: true } : {}),
  }))],
  done: { verdict: 'ok', next: 'diagnose.next.healthy' },
}
