/**
 * The renewal window (FAQ 4–6): renewable from `renewBeforeDays` before notAfter
 * until `graceAfterDays` after it. Instants, not calendar days, and inclusive bounds
 * exactly as DESIGN.md states them. Pure: no clock, no I/O.
 */

export const WINDOW_STATES = ['not-yet-valid', 'valid', 'renewable', 'grace', 'lapsed'] as const
export type WindowState = (typeof WINDOW_STATES)[number]

export interface WindowPolicy {
  renewBeforeDays: number
  graceAfterDays: number
}

export interface WindowAssessment {
  state: WindowState
  /** When renewal becomes possible: notAfter − renewBeforeDays. */
  opens: Date
  /** The last instant renewal is possible: notAfter + graceAfterDays. */
  closes: Date
  /** Whole days until notAfter (negative once expired), rounded towards zero. */
  daysLeft: number
  /** Whole days since notAfter, when expired; otherwise null. */
  daysSinceExpiry: number | null
  /** Whole days until the window opens, when it is still ahead; otherwise null. */
  daysUntilOpen: number | null
}

const DAY_MS = 24 * 60 * 60 * 1000

function wholeDays(ms: number): number {
  return Math.trunc(ms / DAY_MS)
}

/** The one day count every screen shows: whole days until notAfter, rounded towards zero (negative once expired). */
export function daysLeft(notAfter: Date, at: Date): number {
  return wholeDays(notAfter.getTime() - at.getTime())
}

export function assessWindow(validity: { notBefore: Date; notAfter: Date }, at: Date, policy: WindowPolicy): WindowAssessment {
  const t = at.getTime()
  const notAfter = validity.notAfter.getTime()
  const opens = notAfter - policy.renewBeforeDays * DAY_MS
  const closes = notAfter + policy.graceAfterDays * DAY_MS

  let state: WindowState
  if (t < validity.notBefore.getTime()) state = 'not-yet-valid'
  else if (t < opens) state = 'valid'
  else if (t <= notAfter) state = 'renewable'
  else if (t <= closes) state = 'grace'
  else state = 'lapsed'

  return {
    state,
    opens: new Date(opens),
    closes: new Date(closes),
    daysLeft: daysLeft(validity.notAfter, at),
    daysSinceExpiry: t > notAfter ? wholeDays(t - notAfter) : null,
    daysUntilOpen: t < opens ? Math.ceil((opens - t) / DAY_MS) : null,
  }
}
