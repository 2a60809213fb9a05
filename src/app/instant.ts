import { UkeyError } from '../errors.js'
import type { MessageKey } from '../i18n/index.js'
import { isValidTimeZone } from '../output/time.js'

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):?(\d{2}))?)?$/
const RELATIVE = /^([+-])(\d{1,5})d$/

/**
 * `--at`: an ISO 8601 instant ("2026-12-01T00:00:00Z", "2026-12-01T08:00+08:00"; a
 * date alone means its UTC midnight, as in ECMAScript), or an offset in days from
 * now ("+30d": what will be due in a month).
 */
export function parseAt(value: string | undefined, now: Date = new Date()): Date {
  if (value === undefined) return now
  const rel = RELATIVE.exec(value)
  if (rel) return new Date(now.getTime() + (rel[1] === '-' ? -1 : 1) * Number(rel[2]) * 86_400_000)
  const iso = ISO.exec(value)
  // Date.parse rolls 2026-02-30 over into March: a date that does not exist is a typo, not an instant.
  const problem = iso && calendarProblem(iso)
  if (problem) throw new UkeyError('USAGE', { key: problem.key, params: { value, ...problem.params } })
  const ms = iso ? Date.parse(value) : NaN
  if (Number.isNaN(ms)) throw new UkeyError('USAGE', { key: 'usage.badAt', params: { value } })
  return new Date(ms)
}

/** What makes a well-formed ISO date or time one that never occurs, if anything (a message key and its values). */
function calendarProblem(iso: RegExpExecArray): { key: MessageKey; params: Record<string, string | number> } | undefined {
  const [, y, mo, d, h = '00', mi = '00', s = '00', oh = '00', om = '00'] = iso
  const month = Number(mo)
  if (month < 1 || month > 12) return { key: 'usage.atNoMonth', params: { month: mo! } }
  // Day 0 of the next month is the last of this one; setUTCFullYear keeps years 0–99 as written.
  const last = new Date(0)
  last.setUTCFullYear(Number(y), month, 0)
  const days = last.getUTCDate()
  if (Number(d) < 1 || Number(d) > days) return { key: 'usage.atNoDay', params: { month: `${y}-${mo}`, days } }
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return { key: 'usage.atNoTime', params: { time: `${h}:${mi}:${s}` } }
  if (Number(oh) > 23 || Number(om) > 59) return { key: 'usage.atNoOffset', params: { offset: `${oh}:${om}` } }
  return undefined
}

export function parseTz(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  if (!isValidTimeZone(value)) throw new UkeyError('USAGE', { key: 'usage.badTz', params: { value } })
  return value
}
