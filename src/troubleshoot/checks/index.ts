import type { CheckId } from '../types.js'
import { certificateWithKey, chainsToBankCa, keySigns } from './certificate.js'
import type { Check } from './check.js'
import { deviceBusy } from './device-busy.js'
import { renewalJournal, renewalRefused } from './journal.js'
import { renewalServer } from './renewal-server.js'
import { renewalWindow } from './renewal-window.js'
import { softCertificate } from './soft-certificate.js'
import { testKeygen } from './test-keygen.js'
import { tokenVisible } from './token-visible.js'
import { usbKey } from './usb-key.js'
import { moduleVendorMatch, vendorModule } from './vendor-module.js'

export type { Check } from './check.js'

/** Every check by id: a rule names them; the type makes a rule naming a missing one fail to compile. */
export const CHECKS: Record<CheckId, Check> = {
  'usb-key': usbKey,
  'token-visible': tokenVisible,
  'vendor-module': vendorModule,
  'module-vendor-match': moduleVendorMatch,
  'certificate-with-key': certificateWithKey,
  'key-signs': keySigns,
  'renewal-window': renewalWindow,
  'chains-to-bank-ca': chainsToBankCa,
  'renewal-journal': renewalJournal,
  'renewal-refused': renewalRefused,
  'test-keygen': testKeygen,
  'device-busy': deviceBusy,
  'soft-certificate': softCertificate,
  'renewal-server': renewalServer,
}
