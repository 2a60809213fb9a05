// The fast paths of check-window's NDJSON record (issue 16) against the general code
// they stand in for: each one branches back to Date, Intl or the element-by-element
// name reader for what it does not handle, and must write the same text either way.
import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { decodeCertificates } from '../../src/cert/decode.js'
import { readTlv } from '../../src/cert/der.js'
import { cnJson, distinguishedName, formatAnyName, nameJsonOctets, sharedDistinguishedName } from '../../src/cert/names.js'
import { commonName } from '../../src/cert/summary.js'
import { assessWindow } from '../../src/cert/window.js'
import type { WindowRow } from '../../src/cert/window-events.js'
import { translator, useKeyName } from '../../src/i18n/index.js'
import { isPluralOne } from '../../src/i18n/plural.js'
import { isoText, MAX_FOUR_DIGIT_MS, MIN_FOUR_DIGIT_MS } from '../../src/output/iso-time.js'
import { fromOctets } from '../../src/output/octets.js'
import { formatDate, formatDateTime } from '../../src/output/time.js'
import { certificateJson, certificateRecord } from '../../src/output/window-records.js'
import { DEFAULT_PROFILE } from '../../src/profile/default.js'

const DAY = 86_400_000

describe('isoText (ISO 8601 by integer arithmetic)', () => {
  it('equals toISOString across the four-digit years and past both ends, leap days included', () => {
    const edges = [
      MIN_FOUR_DIGIT_MS - 1, MIN_FOUR_DIGIT_MS, MIN_FOUR_DIGIT_MS + 1, MAX_FOUR_DIGIT_MS - 1, MAX_FOUR_DIGIT_MS, MAX_FOUR_DIGIT_MS + 1,
      0, -1, 1, -0, 0.5, -0.5, 8.64e15, -8.64e15,
      Date.UTC(2000, 1, 29, 23, 59, 59, 999), Date.UTC(1900, 2, 1), Date.UTC(2100, 1, 28, 12), Date.UTC(2100, 2, 1),
      Date.UTC(2024, 1, 29), Date.UTC(999, 11, 31, 23, 59, 59, 999), Date.UTC(1000, 0, 1),
    ]
    // A sweep over -245,000 … +245,000 years (Date's whole range) in uneven steps, each at another time of day.
    const sweep = Array.from({ length: 20_000 }, (_, i) => (i - 10_000) * 997 * DAY * 9 + ((i * 7_919_111) % DAY))
    const dense = Array.from({ length: 20_000 }, (_, i) => MIN_FOUR_DIGIT_MS + i * 181 * DAY + ((i * 86_399_999) % DAY))
    let checked = 0
    for (const ms of [...edges, ...sweep, ...dense]) {
      // Twice: the second call reads the day and time-of-day memos.
      for (let k = 0; k < 2; k++) expect(isoText(ms)).toBe(new Date(ms).toISOString())
      checked++
    }
    expect(checked).toBe(edges.length + 40_000)
    expect(() => isoText(NaN)).toThrow(RangeError)
    expect(() => isoText(8.64e15 + 1)).toThrow(RangeError)
  })
})

/** formatDateTime's system-zone text the way Date's local getters give it (the general path). */
function byGetters(d: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0')
  const m = -d.getTimezoneOffset()
  const offset = `${m < 0 ? '-' : '+'}${two(Math.floor(Math.abs(m) / 60))}:${two(Math.abs(m) % 60)}`
  return `${String(d.getFullYear()).padStart(4, '0')}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${offset}`
}

describe('formatDateTime in the system zone (one offset, then arithmetic)', () => {
  const saved = process.env['TZ']
  afterEach(() => {
    if (saved === undefined) delete process.env['TZ']
    else process.env['TZ'] = saved
  })

  it.each(['America/New_York', 'Asia/Shanghai', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Europe/London', 'UTC'])('%s: each instant in its own offset, across DST changes', (zone) => {
    process.env['TZ'] = zone
    // Every 15 minutes through both 2026 DST changes of New York, London and Lord Howe, and a year at odd hours.
    const around = (iso: string) => Array.from({ length: 24 * 4 * 3 }, (_, i) => Date.parse(iso) - DAY + i * 15 * 60_000 + 7_000)
    const instants = [
      ...around('2026-03-08T07:00:00Z'), ...around('2026-11-01T06:00:00Z'), ...around('2026-03-29T01:00:00Z'),
      ...around('2026-10-25T01:00:00Z'), ...around('2026-04-04T15:00:00Z'), ...around('2026-10-03T15:30:00Z'),
      ...Array.from({ length: 400 }, (_, i) => Date.UTC(2026, 0, 1) + i * 23 * 3_600_000 + i * 61_001),
    ]
    for (const ms of instants) {
      const d = new Date(ms)
      expect(formatDateTime(d)).toBe(formatDateTime(d, zone))
    }
  })

  it('years outside 0000–9999 and offsets with seconds (local mean time before 1900) are Date getters\' own text', () => {
    for (const zone of ['America/New_York', 'Asia/Shanghai', 'Europe/Amsterdam', 'UTC']) {
      process.env['TZ'] = zone
      for (const ms of [Date.UTC(1850, 5, 1, 12), Date.UTC(1899, 11, 31, 23), Date.UTC(5, 0, 1), Date.UTC(-44, 2, 15), MIN_FOUR_DIGIT_MS + 3_600_000, MAX_FOUR_DIGIT_MS - 3_600_000, MAX_FOUR_DIGIT_MS + DAY, 8.64e15]) {
        const d = new Date(ms)
        expect(formatDateTime(d)).toBe(byGetters(d))
      }
    }
  })
})

/** formatDateTime with --tz from Intl's formatToParts (the general path). */
function byParts(d: Date, timeZone: string): string {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZoneName: 'longOffset' })
  const p: Record<string, string> = {}
  for (const x of f.formatToParts(d)) p[x.type] = x.value
  const offset = (p['timeZoneName'] ?? 'GMT').replace(/^GMT/, '') || '+00:00'
  return `${p['year']}-${p['month']}-${p['day']} ${p['hour']}:${p['minute']}:${p['second']} ${offset}`
}

describe('formatDateTime with --tz (format() read back, formatToParts for any other shape)', () => {
  it.each(['America/New_York', 'Asia/Shanghai', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'UTC', 'Etc/GMT+12', 'Africa/Monrovia'])('%s: across DST changes, local mean time, years of 1–3 and 5 digits, negative years', (zone) => {
    const instants = [
      ...Array.from({ length: 24 * 4 * 3 }, (_, i) => Date.parse('2026-03-08T07:00:00Z') - DAY + i * 15 * 60_000 + 7_000),
      ...Array.from({ length: 24 * 4 * 3 }, (_, i) => Date.parse('2026-10-03T15:30:00Z') - DAY + i * 15 * 60_000 + 7_000),
      Date.UTC(1850, 5, 1, 12), Date.UTC(1971, 0, 1), Date.UTC(950, 0, 1), Date.UTC(5, 0, 1), Date.UTC(-44, 2, 15),
      MIN_FOUR_DIGIT_MS, MAX_FOUR_DIGIT_MS - 1, MAX_FOUR_DIGIT_MS + DAY, 8.64e15, -8.64e15,
    ]
    for (const ms of instants) {
      const d = new Date(ms)
      const want = byParts(d, zone)
      expect(formatDateTime(d, zone)).toBe(want)
      expect(formatDate(d, zone)).toBe(want.slice(0, want.indexOf(' ')))
    }
  })
})

describe('plural forms, cached per whole number', () => {
  it('give Intl.PluralRules\' answer for small, large, negative and fractional counts', () => {
    for (const lang of ['en', 'zh-CN', 'fr']) {
      const rules = new Intl.PluralRules(lang)
      for (const n of [0, 1, 2, 1, 0, 21, 4095, 4096, 100_000, -1, -2, -0, 1.5, 0.5, -1.5, 1e21, Number.MAX_SAFE_INTEGER]) expect(isPluralOne(lang, n)).toBe(rules.select(n) === 'one')
    }
  })
})

// A small DER writer for names the fast reader must hand back to the general one.
const tlv = (tag: number, body: Buffer | number[]): Buffer => {
  const b = Buffer.from(body)
  const len = b.length < 0x80 ? [b.length] : b.length < 0x100 ? [0x81, b.length] : [0x82, b.length >> 8, b.length & 0xff]
  return Buffer.concat([Buffer.from([tag, ...len]), b])
}
const X520 = (n: number): Buffer => tlv(0x06, [0x55, 0x04, n])
const atv = (type: Buffer, value: Buffer): Buffer => tlv(0x30, Buffer.concat([type, value]))
const rdn = (...atvs: Buffer[]): Buffer => tlv(0x31, Buffer.concat(atvs))
const name = (...rdns: Buffer[]): Buffer => tlv(0x30, Buffer.concat(rdns))
const utf8 = (s: string | number[]): Buffer => tlv(0x0c, typeof s === 'string' ? Buffer.from(s) : s)
const printable = (s: string): Buffer => tlv(0x13, Buffer.from(s, 'latin1'))

/** Names of every kind the readers meet (helpers below build their DER). */
const names: Array<[string, Buffer]> = [
  ['plain', name(rdn(atv(X520(6), printable('CN'))), rdn(atv(X520(10), utf8('Bank of Example'))), rdn(atv(X520(3), utf8('user-1'))))],
  ['Chinese values', name(rdn(atv(X520(10), utf8('中国工商银行'))), rdn(atv(X520(3), utf8('张三'))))],
  ['two-byte UTF-8', name(rdn(atv(X520(3), utf8('José Müller'))))],
  ['four-byte UTF-8', name(rdn(atv(X520(3), utf8('a😀b'))))],
  ['byte order mark', name(rdn(atv(X520(3), utf8([0xef, 0xbb, 0xbf, 0x41]))))],
  ['overlong UTF-8', name(rdn(atv(X520(3), utf8([0xe0, 0x80, 0x80]))))],
  ['UTF-16 surrogate in UTF-8', name(rdn(atv(X520(3), utf8([0xed, 0xa0, 0x80]))))],
  ['truncated UTF-8', name(rdn(atv(X520(3), utf8([0x41, 0xe4, 0xb8]))))],
  ['RFC 4514 escapes', name(rdn(atv(X520(10), utf8('Bank, Ltd "x"'))), rdn(atv(X520(11), utf8('a+b;c<d>\\e'))), rdn(atv(X520(3), utf8('#lead trail '))))],
  ['escapes beside Chinese', name(rdn(atv(X520(3), utf8(' 张,三 '))))],
  ['a NUL', name(rdn(atv(X520(3), printable('a\0b'))))],
  ['a lone space and an empty value', name(rdn(atv(X520(3), utf8(' '))), rdn(atv(X520(11), utf8(''))))],
  ['multi-valued RDN', name(rdn(atv(X520(11), utf8('m1')), atv(X520(7), utf8('m2'))), rdn(atv(X520(3), utf8('x'))))],
  ['two CNs (the last one is the CN)', name(rdn(atv(X520(3), utf8('first'))), rdn(atv(X520(10), utf8('o'))), rdn(atv(X520(3), utf8('最后'))))],
  ...[',', '+', ';', '<', '>', '\\', '"', '\u0001', '\t'].map((c): [string, Buffer] => [`only ${JSON.stringify(c)} to escape`, name(rdn(atv(X520(3), utf8(`张${c}三`))))]),
  ['only a leading "#"', name(rdn(atv(X520(3), printable('#1'))))],
  ['only a leading space', name(rdn(atv(X520(3), utf8(' 张三'))))],
  ['only a trailing space', name(rdn(atv(X520(3), utf8('张三 '))))],
  ['DEL and C1 controls (no escape in either form)', name(rdn(atv(X520(3), utf8('a\u007fb\u0085c'))))],
  ['an empty RDN', name(rdn(), rdn(atv(X520(3), utf8('x'))))],
  ['the empty name', name()],
  ['e-mail and an unknown OID', name(rdn(atv(tlv(0x06, [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01]), tlv(0x16, Buffer.from('a@b.c')))), rdn(atv(tlv(0x06, [0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37]), utf8('v'))))],
  ['2.5.4.x unnamed', name(rdn(atv(X520(65), utf8('pseudonym'))))],
  ['T61String with high bytes', name(rdn(atv(X520(3), tlv(0x14, [0x41, 0xe9, 0x42]))))],
  ['BMPString', name(rdn(atv(X520(3), tlv(0x1e, Buffer.from('张三', 'utf16le').swap16()))))],
  ['not a string (INTEGER)', name(rdn(atv(X520(5), tlv(0x02, [0x01, 0x00]))))],
  ['a value of 200 bytes (long form)', name(rdn(atv(X520(3), utf8('v'.repeat(200)))), rdn(atv(X520(6), printable('CN'))))],
  ['two values in one attribute', name(rdn(tlv(0x30, Buffer.concat([X520(3), utf8('a'), utf8('b')]))))],
  ['an empty OID', name(rdn(atv(tlv(0x06, []), utf8('a'))))],
  ['an OID ending mid-arc', name(rdn(atv(tlv(0x06, [0x55, 0x84]), utf8('a'))))],
  ['an RDN running past the name', Buffer.concat([Buffer.from([0x30, 0x05, 0x31, 0x09]), Buffer.from([0x30, 0x03, 0x06, 0x01, 0x55])])],
  ['a multi-byte tag', name(rdn(atv(X520(3), Buffer.from([0x1f, 0x81, 0x01, 0x00]))))],
  ['not a SET', name(tlv(0x30, atv(X520(3), utf8('a'))))],
]

describe('distinguished names: the short-form reader writes what the element reader writes', () => {

  it.each(names)('%s', (_, der) => {
    const outer = readTlv(der, 0, der.length)
    let want: string
    try {
      want = formatAnyName(der, outer)
    } catch (e) {
      expect(() => distinguishedName(der, outer)).toThrow((e as Error).message)
      return
    }
    expect(distinguishedName(der, outer)).toBe(want)
    // An issuer's memo: the first call formats, the second finds it by its bytes, the third from another buffer.
    expect(sharedDistinguishedName(der, outer)).toBe(want)
    expect(sharedDistinguishedName(der, outer)).toBe(want)
    const elsewhere = Buffer.concat([Buffer.from([0, 0, 0]), der])
    expect(sharedDistinguishedName(elsewhere, readTlv(elsewhere, 3, elsewhere.length))).toBe(want)
  })
})

// The names NDJSON takes straight off the DER as octets (names.ts nameJsonOctets): the plain
// ones, and none other, which must read exactly as the general names and CN read.
const PLAIN_NAMES = new Set(['plain', 'Chinese values', 'two-byte UTF-8', 'multi-valued RDN', 'two CNs (the last one is the CN)', 'DEL and C1 controls (no escape in either form)', 'an empty RDN', 'the empty name', 'e-mail and an unknown OID', '2.5.4.x unnamed'])

describe('names as JSON octets: JSON.stringify of the DN and of its last CN, for the plain names only', () => {
  it.each(names)('%s', (label, der) => {
    const outer = readTlv(der, 0, der.length)
    const got = nameJsonOctets(der, outer.start, outer.end)
    expect({ label, plain: got !== undefined }).toEqual({ label, plain: PLAIN_NAMES.has(label) })
    if (got === undefined) return
    expect(fromOctets(got)).toBe(JSON.stringify(distinguishedName(der, outer)))
    expect(fromOctets(cnJson)).toBe(JSON.stringify(commonName(der, outer.start, outer.end)))
    // A view into a larger buffer (a batch's reply), and a plain Uint8Array.
    const elsewhere = Buffer.concat([Buffer.from([9, 9, 9]), der])
    expect(nameJsonOctets(elsewhere, outer.start + 3, outer.end + 3)).toBe(got)
    expect(nameJsonOctets(new Uint8Array(der), outer.start, outer.end)).toBe(got)
  })
})

describe('the NDJSON record (certificateJson) equals JSON.stringify of the record object', () => {
  const certs = ['rsa.pem', 'ec.pem', 'sm2.pem', 'bmp.pem'].flatMap((f) => {
    const d = decodeCertificates(readFileSync(new URL(`../fixtures/certs/${f}`, import.meta.url)), f)
    return d === 'pkcs12' ? [] : d.certificates
  })
  const check = (lang: 'en' | 'zh-CN', tz: string | undefined, validity: Array<[Date, Date]>, instants: (notAfter: number) => number[]): number => {
    const t = translator(lang)
    let checked = 0
    for (const cert of certs) {
      for (const [notBefore, notAfter] of validity) {
        for (const at of instants(notAfter.getTime())) {
          const c = { ...cert, notBefore, notAfter }
          const row: WindowRow = { type: 'certificate', source: 'a.pem', index: 1, format: 'pem', cert: c, window: assessWindow(c, new Date(at), DEFAULT_PROFILE.window) }
          expect(fromOctets(certificateJson(row, t, DEFAULT_PROFILE, tz))).toBe(JSON.stringify(certificateRecord(row, t, DEFAULT_PROFILE, tz)))
          checked++
        }
      }
    }
    return checked
  }

  it('dates before the year 1000, at 9999-12-31 (its window closing in the year 10000) and negative years', () => {
    const validity: Array<[Date, Date]> = [
      [new Date(Date.UTC(950, 0, 1)), new Date('9999-12-31T23:59:59Z')],
      [new Date(-62_200_000_000_000), new Date(Date.UTC(1, 5, 1, 3, 4, 5))],
      [new Date('2025-01-01T00:00:00.123Z'), new Date('2027-01-01T00:00:00.999Z')],
    ]
    let checked = 0
    for (const lang of ['en', 'zh-CN'] as const) {
      for (const tz of [undefined, 'America/New_York']) checked += check(lang, tz, validity, (na) => [na - 400 * DAY, na - 20 * DAY, na + 10 * DAY, na + 100 * DAY, -62_300_000_000_000])
    }
    expect(checked).toBe(2 * 2 * certs.length * 3 * 5)
  })

  it('0, 1 and 2 days in English (the plural form of each) and in Chinese', () => {
    const validity: Array<[Date, Date]> = [[new Date('2025-01-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z')]]
    // Days to notAfter (renewable), days since it (grace) and days to the window (valid): 0, 1, 2 each.
    const around = (na: number) => [0, 1, 2].flatMap((n) => [na - n * DAY - 1000, na + n * DAY + 1000, na - 30 * DAY - n * DAY - 1000])
    for (const lang of ['en', 'zh-CN'] as const) expect(check(lang, undefined, validity, around)).toBe(certs.length * 9)
    const t = translator('en')
    const [notBefore, notAfter] = validity[0]!
    const row = (at: number): WindowRow => ({ type: 'certificate', source: 'a.pem', index: 1, format: 'pem', cert: { ...certs[0]!, notBefore, notAfter }, window: assessWindow({ notBefore, notAfter }, new Date(at), DEFAULT_PROFILE.window) })
    const na = notAfter.getTime()
    expect(JSON.parse(fromOctets(certificateJson(row(na - DAY - 1000), t, DEFAULT_PROFILE))).advice).toMatch(/: 1 day left/)
    expect(JSON.parse(fromOctets(certificateJson(row(na - 2 * DAY - 1000), t, DEFAULT_PROFILE))).advice).toMatch(/: 2 days left/)
    expect(JSON.parse(fromOctets(certificateJson(row(na - 1000), t, DEFAULT_PROFILE))).advice).toMatch(/: 0 days left/)
  })

  it('follows the profile\'s key name, set between two rows (also one holding the date mark and quotes)', () => {
    const validity: Array<[Date, Date]> = [[new Date('2025-01-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z')]]
    const instants = (na: number) => [na - 400 * DAY, na - 10 * DAY, na + 10 * DAY, na + 100 * DAY]
    try {
      for (const keyName of [undefined, { 'zh-CN': 'U盾', en: 'U-shield' }, { en: 'a "quoted"\u0001 key\\' }, undefined]) {
        useKeyName(keyName)
        for (const lang of ['en', 'zh-CN'] as const) expect(check(lang, 'Asia/Shanghai', validity, instants)).toBe(certs.length * 4)
      }
    } finally {
      useKeyName(undefined)
    }
  })
})
