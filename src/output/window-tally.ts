import { WINDOW_STATES, type WindowState } from '../cert/window.js'
import type { WindowEvent } from '../cert/window-events.js'
import { EXIT, STATE_EXIT, exitCodeOf, worstExit } from './exit-codes.js'

/** Running totals of a batch: counts per state, failed inputs, and the exit code (worst wins). */
export class WindowTally {
  readonly states: Record<WindowState, number> = Object.fromEntries(WINDOW_STATES.map((s) => [s, 0])) as Record<WindowState, number>
  certificates = 0
  errors = 0
  exitCode: number = EXIT.OK

  /** Certificates a batch thread classified: one WINDOW_STATES index each (src/app/window-worker.ts). */
  addStates(states: Uint8Array): void {
    for (let i = 0; i < states.length; i++) {
      const state = WINDOW_STATES[states[i]!]!
      this.certificates++
      this.states[state]++
      this.exitCode = worstExit(this.exitCode, STATE_EXIT[state])
    }
  }

  add(event: WindowEvent): void {
    if (event.type === 'certificate') {
      this.certificates++
      this.states[event.window.state]++
      this.exitCode = worstExit(this.exitCode, STATE_EXIT[event.window.state])
    } else {
      this.errors++
      this.exitCode = worstExit(this.exitCode, exitCodeOf(event.error))
    }
  }
}
