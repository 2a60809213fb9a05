import type { UkeyError } from '../errors.js'
import type { CertFormat } from './decode.js'
import type { CertSummary } from './summary.js'

/** One certificate read from an input (a file, a bundle, a token), or why the input could not be read: the batch goes on. */
export type CertificateEvent =
  /** keyProvider: the CSP/KSP a certificate store names for the private key (store:my). */
  | { type: 'certificate'; source: string; index: number; format: CertFormat; cert: CertSummary; keyProvider?: string }
  | { type: 'error'; source: string; error: UkeyError }

/**
 * Consecutive files a batch thread did whole (check-window's ndjson and --quiet,
 * src/app/window-worker.ts): their finished output lines and one window-state index
 * (WINDOW_STATES) per certificate, in input order. Only made when the reader is
 * given a thread program.
 */
export interface OffloadedRun {
  type: 'offloaded'
  files: number
  text: Uint8Array
  states: Uint8Array
}

export type BatchItem = CertificateEvent | OffloadedRun
