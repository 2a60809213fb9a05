import { assessWindow, WINDOW_STATES, type WindowAssessment, type WindowState } from './window.js'
import type { CertFormat } from './decode.js'
import type { CertSummary } from './summary.js'
import { EXIT, STATE_EXIT, worstExit } from '../output/exit-codes.js'
import type { UkeyError } from '../errors.js'
import type { BankProfile } from '../profile/types.js'
import type { CertificateEvent } from '../hardware/soft-store/read-certificates.js'

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

/** Running totals of a batch: counts per state, failed inputs, and the exit code (worst wins). */
export class WindowTally {
  readonly states: Record<WindowState, number> = Object.fromEntries(WINDOW_STATES.map((s) => [s, 0])) as Record<WindowState, number>
  certificates = 0
  errors = 0
  exitCode: number = EXIT.OK

  add(event: WindowEvent): void {
    if (event.type === 'certificate') {
      this.certificates++
      this.states[event.window.state]++
      this.exitCode = worstExit(this.exitCode, STATE_EXIT[event.window.state])
    } else {
      this.errors++
      this.exitCode = worstExit(this.exitCode, event.error.exitCode)
    }
  }
}

export interface CheckWindowOptions {
  at: Date
  profile: BankProfile
}

/** Every certificate in the inputs with its renewal-window assessment at `at`, in batches. */
export async function* checkWindow(certificates: AsyncIterable<CertificateEvent[]>, opts: CheckWindowOptions): AsyncGenerator<WindowEvent[]> {
  for await (const batch of certificates) {
    yield batch.map((ev) =>
      ev.type === 'error'
        ? ev
        : { type: 'certificate', source: ev.source, index: ev.index, format: ev.format, cert: ev.cert, window: assessWindow(ev.cert, opts.at, opts.profile.window) },
    )
  }
}
