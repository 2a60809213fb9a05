import type { UkeyError } from '../errors.js'
import type { CertFormat } from './decode.js'
import type { CertSummary } from './summary.js'

/** One certificate read from an input (a file, a bundle, a token), or why the input could not be read: the batch goes on. */
export type CertificateEvent =
  | { type: 'certificate'; source: string; index: number; format: CertFormat; cert: CertSummary }
  | { type: 'error'; source: string; error: UkeyError }
