import { UkeyError } from '../errors.js'
import { isValidTimeZone } from '../output/time.js'

const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/
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
  const ms = ISO.test(value) ? Date.parse(value) : NaN
  if (Number.isNaN(ms)) throw new UkeyError('USAGE', { key: 'usage.badAt', params: { value } })
  return new Date(ms)
}

export function parseTz(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  if (!isValidTimeZone(value)) throw new UkeyError('USAGE', { key: 'usage.badTz', params: { value } })
  return value
}
