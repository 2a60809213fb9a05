import { describe, expect, it } from 'vitest'
import { csvField, csvLine } from '../../src/output/csv.js'
import { labels } from '../../src/output/prometheus.js'
import { fit, pad, measure } from '../../src/output/table.js'
import { parseAt, parseTz } from '../../src/app/instant.js'
import { formatDateTime, formatDate } from '../../src/output/time.js'
import { UkeyError } from '../../src/errors.js'

describe('CSV', () => {
  it('quotes only when needed and doubles quotes', () => {
    expect(csvLine(['a', 1, null, 'x,y', 'say "hi"', 'two\nlines'])).toBe('a,1,,"x,y","say ""hi""","two\nlines"\r\n')
  })
  it('defuses spreadsheet formulas in text cells', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`)
    expect(csvField('-5')).toBe("'-5")
    expect(csvField(-5)).toBe('-5')
  })
})

describe('Prometheus labels', () => {
  it('escapes backslash, quote and newline', () => {
    expect(labels({ source: 'C:\\certs\\a "b".pem', subject: 'x\ny' })).toBe('{source="C:\\\\certs\\\\a \\"b\\".pem",subject="x\\ny"}')
  })
})

describe('table cells', () => {
  it('measures Chinese as double width', () => {
    expect(pad('张三', 6)).toBe('张三  ')
    expect(measure([{ header: 'CN' }], [['张三李四']])).toEqual([8])
  })
  it('shortens with an ellipsis, keeping the end of paths', () => {
    expect(fit('/very/long/path/file.pem', 12, true)).toBe('…th/file.pem')
    expect(fit('张三李四王五', 7)).toBe('张三李…')
  })
})

describe('--at and --tz', () => {
  const now = new Date('2026-11-25T00:00:00Z')
  it('accepts ISO instants and relative days', () => {
    expect(parseAt('2027-01-01T00:00:00Z').toISOString()).toBe('2027-01-01T00:00:00.000Z')
    expect(parseAt('2027-01-01T08:00:00+08:00').toISOString()).toBe('2027-01-01T00:00:00.000Z')
    expect(parseAt('2027-01-01').toISOString()).toBe('2027-01-01T00:00:00.000Z')
    expect(parseAt('+30d', now).toISOString()).toBe('2026-12-25T00:00:00.000Z')
    expect(parseAt('-1d', now).toISOString()).toBe('2026-11-24T00:00:00.000Z')
    expect(parseAt(undefined, now)).toBe(now)
  })
  it('rejects anything else as a usage error', () => {
    for (const bad of ['tomorrow', '2027-13-45', '1700000000', '2027/01/01', '']) {
      expect(() => parseAt(bad), bad).toThrow(UkeyError)
    }
    expect(() => parseTz('Mars/Olympus')).toThrow(UkeyError)
    expect(parseTz('Asia/Shanghai')).toBe('Asia/Shanghai')
  })
  it('formats local time with its offset', () => {
    const d = new Date('2027-01-01T00:00:00Z')
    expect(formatDateTime(d, 'Asia/Shanghai')).toBe('2027-01-01 08:00:00 +08:00')
    expect(formatDateTime(d, 'UTC')).toBe('2027-01-01 00:00:00 +00:00')
    expect(formatDate(d, 'America/New_York')).toBe('2026-12-31')
  })
})

describe('local time without --tz', () => {
  it('matches what Intl says for the system zone', () => {
    const sys = Intl.DateTimeFormat().resolvedOptions().timeZone
    for (const iso of ['2027-01-01T00:00:00Z', '2026-07-01T12:34:56Z', '1999-12-31T23:59:59Z']) {
      const d = new Date(iso)
      expect(formatDateTime(d)).toBe(formatDateTime(d, sys))
      expect(formatDate(d)).toBe(formatDate(d, sys))
    }
  })
})
