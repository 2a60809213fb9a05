import { certDetails, type CertDetails } from '../cert/details.js'
import type { CertFormat } from '../cert/decode.js'
import { derProblem } from '../cert/decode.js'
import { assessWindow, type WindowAssessment } from '../cert/window.js'
import type { BankProfile } from '../profile/types.js'
import type { CertificateEvent } from './read-certificates.js'
import type { InputFailure } from './check-window.js'

export interface ShownCertificate {
  type: 'certificate'
  source: string
  index: number
  format: CertFormat
  details: CertDetails
  window: WindowAssessment
}
export type ShowEvent = ShownCertificate | InputFailure

/** Every certificate in the inputs, fully decoded, with its window state. */
export async function* showCertificates(certificates: AsyncIterable<CertificateEvent[]>, opts: { at: Date; profile: BankProfile }): AsyncGenerator<ShowEvent> {
  for await (const batch of certificates) yield* showBatch(batch, opts)
}

async function* showBatch(batch: CertificateEvent[], opts: { at: Date; profile: BankProfile }): AsyncGenerator<ShowEvent> {
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
