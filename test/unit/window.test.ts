import { describe, expect, it } from 'vitest'
import { assessWindow, type WindowState } from '../../src/cert/window.js'
import { STATE_EXIT, worstExit, EXIT } from '../../src/output/exit-codes.js'

const DAY = 86_400_000
const S = 1000
const notBefore = new Date('2026-01-01T00:00:00Z')
const notAfter = new Date('2027-01-01T00:00:00Z')
const policy = { renewBeforeDays: 30, graceAfterDays: 90 }
const opens = notAfter.getTime() - 30 * DAY
const closes = notAfter.getTime() + 90 * DAY

const at = (ms: number): WindowState => assessWindow({ notBefore, notAfter }, new Date(ms), policy).state

describe('renewal window boundaries (DESIGN.md, to the second)', () => {
  it.each<[string, number, WindowState]>([
    ['notBefore − 1 s', notBefore.getTime() - S, 'not-yet-valid'],
    ['notBefore', notBefore.getTime(), 'valid'],
    ['window open − 1 s (30 days + 1 s before expiry)', opens - S, 'valid'],
    ['window open (exactly 30 days before expiry)', opens, 'renewable'],
    ['window open + 1 s', opens + S, 'renewable'],
    ['notAfter', notAfter.getTime(), 'renewable'],
    ['notAfter + 1 s', notAfter.getTime() + S, 'grace'],
    ['window close (exactly 90 days after expiry)', closes, 'grace'],
    ['window close + 1 s', closes + S, 'lapsed'],
    ['years later', closes + 400 * DAY, 'lapsed'],
  ])('%s → %s', (_name, ms, state) => {
    expect(at(ms)).toBe(state)
  })

  it('uses instants, not calendar days: 1 ms before the open is still too early', () => {
    expect(at(opens - 1)).toBe('valid')
  })

  it('reports the window instants and day counts', () => {
    const a = assessWindow({ notBefore, notAfter }, new Date(opens - 10 * DAY), policy)
    expect(a.opens.toISOString()).toBe('2026-12-02T00:00:00.000Z')
    expect(a.closes.toISOString()).toBe('2027-04-01T00:00:00.000Z')
    expect(a.daysLeft).toBe(40)
    expect(a.daysUntilOpen).toBe(10)
    expect(a.daysSinceExpiry).toBeNull()

    const g = assessWindow({ notBefore, notAfter }, new Date(notAfter.getTime() + 5 * DAY + 3600 * S), policy)
    expect(g.state).toBe('grace')
    expect(g.daysSinceExpiry).toBe(5)
    expect(g.daysLeft).toBe(-5)
    expect(g.daysUntilOpen).toBeNull()
  })

  it('takes the window from the profile, not from code', () => {
    const wide = { renewBeforeDays: 60, graceAfterDays: 10 }
    const a = (ms: number) => assessWindow({ notBefore, notAfter }, new Date(ms), wide).state
    expect(a(notAfter.getTime() - 60 * DAY)).toBe('renewable')
    expect(a(notAfter.getTime() - 60 * DAY - S)).toBe('valid')
    expect(a(notAfter.getTime() + 10 * DAY)).toBe('grace')
    expect(a(notAfter.getTime() + 10 * DAY + S)).toBe('lapsed')
  })

  it('a certificate not yet valid is not-yet-valid even when its window is open', () => {
    // A 10-day certificate issued in the future: notBefore wins over the window.
    const short = { notBefore: new Date(notAfter.getTime() - 10 * DAY), notAfter }
    expect(assessWindow(short, new Date(notAfter.getTime() - 11 * DAY), policy).state).toBe('not-yet-valid')
  })
})

describe('exit codes', () => {
  it('maps each state to its documented code', () => {
    expect(STATE_EXIT).toEqual({ valid: 0, renewable: 10, grace: 11, lapsed: 12, 'not-yet-valid': 13 })
  })

  it('lets the most severe outcome win: 12 > 11 > 10 > 13 > 3 > 0', () => {
    const ladder = [12, 11, 10, 13, 3, 0]
    for (let i = 0; i < ladder.length; i++) {
      for (let j = i; j < ladder.length; j++) {
        expect(worstExit(ladder[i]!, ladder[j]!)).toBe(ladder[i])
        expect(worstExit(ladder[j]!, ladder[i]!)).toBe(ladder[i])
      }
    }
  })

  it('a failure of the run itself beats any state', () => {
    expect(worstExit(EXIT.LAPSED, EXIT.FAILURE)).toBe(EXIT.FAILURE)
    expect(worstExit(EXIT.USAGE, EXIT.LAPSED)).toBe(EXIT.USAGE)
  })
})
