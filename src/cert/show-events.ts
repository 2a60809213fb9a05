import { certDetails, type CertDetails } from './details.js'
import type { CertFormat } from './decode.js'
import { derProblem } from './decode.js'
import { assessWindow, type WindowAssessment } from './window.js'
import type { WindowPolicy } from './window.js'
import type { CertificateEvent } from './events.js'
import type { InputFailure } from './window-events.js'

export interface ShownCertificate {
  type: 'certificate'
  source: string
  index: number
  format: CertFormat
  details: CertDetails
  window: WindowAssessment
  /** The CSP/KSP a certificate store names for the private key (store:my). */
  keyProvider?: string
}
export type ShowEvent = ShownCertificate | InputFailure

/** Every certificate in the inputs, fully decoded, with its window state. */
export async function* showCertificates(certificates: AsyncIterable<CertificateEvent[]>, opts: { at: Date; profile: { window: WindowPolicy } }): AsyncGenerator<ShowEvent> {
  for await (const batch of certificates) yield* showBatch(batch, opts)
}

async function* showBatch(batch: CertificateEvent[], opts: { at: Date; profile: { window: WindowPolicy } }): AsyncGenerator<ShowEvent> {
  for (const ev of batch) {
    if (ev.type === 'error') {
      yield ev
      continue
    }
    try {
      const details = certDetails(ev.cert)
      yield { ...ev, details, window: assessWindow(ev.cert, opts.at, opts.profile.window) }
    } catch (e) {
      // The fast reader accepted it but the full decoder did not: report, do not crash.
      yield { type: 'error', source: ev.source, error: derProblem(e, ev.source) }
    }
  }
}
