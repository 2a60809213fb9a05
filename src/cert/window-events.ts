import { assessWindow, type WindowAssessment } from './window.js'
import type { CertFormat } from './decode.js'
import type { CertSummary } from './summary.js'
import type { UkeyError } from '../errors.js'
import type { WindowPolicy } from './window.js'
import type { BatchItem, OffloadedRun } from './events.js'

export interface WindowRow {
  type: 'certificate'
  source: string
  index: number
  format: CertFormat
  cert: CertSummary
  window: WindowAssessment
}
export interface InputFailure {
  type: 'error'
  source: string
  error: UkeyError
}
export type WindowEvent = WindowRow | InputFailure

export interface CheckWindowOptions {
  at: Date
  profile: { window: WindowPolicy }
}

/** Every certificate in the inputs with its renewal-window assessment at `at`, in batches (files a batch thread did whole pass as they are). */
export async function* checkWindow(certificates: AsyncIterable<BatchItem[]>, opts: CheckWindowOptions): AsyncGenerator<Array<WindowEvent | OffloadedRun>> {
  for await (const batch of certificates) {
    yield batch.map((ev) =>
      ev.type === 'error' || ev.type === 'offloaded'
        ? ev
        : { type: 'certificate', source: ev.source, index: ev.index, format: ev.format, cert: ev.cert, window: assessWindow(ev.cert, opts.at, opts.profile.window) },
    )
  }
}
