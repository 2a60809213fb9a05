import type { WindowState } from '../cert/window.js'

/** DESIGN.md's exit codes: a contract with scripts. Documented in README and `ukey help exit-codes`. */
export const EXIT = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  INPUT: 3,
  RENEWABLE: 10,
  GRACE: 11,
  LAPSED: 12,
  NOT_YET_VALID: 13,
  DIAGNOSIS_ACTION: 20,
  DIAGNOSIS_FAULTY: 21,
  RENEWAL_REFUSED: 30,
  RENEWAL_INTERRUPTED: 31,
  /** Ctrl-C at a prompt: the shell's convention for SIGINT (128 + 2). */
  CANCELLED: 130,
} as const

export const STATE_EXIT: Record<WindowState, number> = {
  valid: EXIT.OK,
  renewable: EXIT.RENEWABLE,
  grace: EXIT.GRACE,
  lapsed: EXIT.LAPSED,
  'not-yet-valid': EXIT.NOT_YET_VALID,
}

// For a batch the most severe outcome wins: 12 > 11 > 10 > 13 > 3 > 0 (DESIGN.md).
const SEVERITY: number[] = [EXIT.LAPSED, EXIT.GRACE, EXIT.RENEWABLE, EXIT.NOT_YET_VALID, EXIT.INPUT, EXIT.OK]

export function worstExit(a: number, b: number): number {
  const ra = SEVERITY.indexOf(a)
  const rb = SEVERITY.indexOf(b)
  // Codes outside the batch ladder (1, 2) are failures of the run itself: they win.
  if (ra < 0) return a
  if (rb < 0) return b
  return ra <= rb ? a : b
}
