// The fast paths of the certificate readers (issue 16) against the slow ones they
// stand in for: each fast path must give what the general code gives, for inputs
// on both sides of its conditions. The oracles are independent of the fast code:
// Node's base64 decoder on the text with its whitespace removed, Date's own calendar,
// TextDecoder, and the same reader given a plain Uint8Array (the fast string and
// hex paths are for Buffers only).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { DerError, hex, readTlv, stringValue, timeValue } from '../../src/cert/der.js'
import { decodeCertificates } from '../../src/cert/decode.js'
import { pemBlocks } from '../../src/cert/pem.js'
import { readCertSummary } from '../../src/cert/summary.js'

const DIR = fileURLToPath(new URL('../fixtures/certs/', import.meta.url))
const RSA = readFileSync(DIR + 'rsa.der')
const CERTS = [RSA, ...['ec.pem', 'sm2.pem', 'bmp.pem', 'chain.pem'].flatMap((f) => pemBlocks(readFileSync(DIR + f)).map((b) => b.der))]

/** What a reader gives: its value, or the reason and message of its DerError. */
function outcome<T>(f: () => T): T | { error: string } {
  try {
    return f()
  } catch (e) {
    if (e instanceof DerError) return { error: `${e.reason}: ${e.message}` }
    throw e
  }
}

// ------------------------------------------------------------------ PEM base64

const lines = (b64: string, width: number): string[] => b64.match(new RegExp(`.{1,${width}}`, 'g')) ?? []
const pem = (body: string, label = 'CERTIFICATE'): Buffer => Buffer.from(`-----BEGIN ${label}-----${body}-----END ${label}-----\n`, 'latin1')
const layout = (der: Uint8Array, width: number, eol: string): string => `${eol}${lines(Buffer.from(der).toString('base64'), width).join(eol)}${eol}`

describe('pemBlocks: the layout check that skips the character-by-character base64 check', () => {
  it.each<[what: string, width: number, eol: string]>([
    ['64 columns, LF (RFC 7468)', 64, '\n'],
    ['64 columns, CRLF', 64, '\r\n'],
    ['76 columns (MIME), LF', 76, '\n'],
    ['76 columns, CRLF', 76, '\r\n'],
    ['one line', 100_000, '\n'],
    ['4 columns', 4, '\n'],
    ['63 columns', 63, '\n'],
    ['65 columns', 65, '\n'],
    ['a bare CR', 64, '\r'],
    ['blank lines between', 64, '\n\n'],
    ['a space before each newline', 64, ' \n'],
    ['tabs', 64, '\t'],
  ])('every certificate, every padding length, %s: the DER itself', (_what, width, eol) => {
    for (const der of CERTS) {
      for (const cut of [0, 1, 2]) {
        const part = der.subarray(0, der.length - cut)
        expect(pemBlocks(pem(layout(part, width, eol)))[0]!.der).toEqual(part)
      }
    }
  })

  it('a last line of exactly 64 characters, and an empty line after it', () => {
    const der = RSA.subarray(0, 48 * 10) // 640 base64 characters: ten full lines
    expect(pemBlocks(pem(layout(der, 64, '\n')))[0]!.der).toEqual(der)
    expect(pemBlocks(pem(layout(der, 64, '\n') + '\n'))[0]!.der).toEqual(der)
  })

  // In a well-laid-out body each damage sits where the layout check looks least:
  // inside a full line, at its start, its end, and in the last line.
  const body = layout(RSA, 64, '\n')
  const positions = [1, 2, 64, 65, 66, 130, 200, body.length - 10, body.length - 4]
  const damaged = (at: number, s: string, remove = 1): Buffer => pem(body.slice(0, at) + s + body.slice(at + remove))

  it.each<[what: string, char: string]>([
    ["'-' (base64url, which Node's decoder accepts)", '-'],
    ["'_' (base64url)", '_'],
    ["'=' in the middle", '='],
    ["'!'", '!'],
    ["'*'", '*'],
    ["'é' (0xE9)", '\u00e9'],
    ['a NUL', '\u0000'],
  ])('%s instead of a character anywhere: "invalid base64", as the full check says', (_what, char) => {
    for (const at of positions) {
      if (body[at] === '\n') continue
      expect([at, outcome(() => pemBlocks(damaged(at, char)))]).toEqual([at, { error: 'malformed: PEM block "CERTIFICATE" has invalid base64' }])
    }
  })

  it('one character lost: "not a multiple of 4"; four lost: the (other) octets the text holds', () => {
    for (const at of positions) {
      if (body.slice(at, at + 4).includes('\n') || at > body.length - 8) continue
      expect(outcome(() => pemBlocks(damaged(at, '')))).toEqual({ error: 'truncated: PEM block "CERTIFICATE" base64 length is not a multiple of 4' })
      const text = body.slice(0, at) + body.slice(at + 4)
      expect(pemBlocks(pem(text))[0]!.der).toEqual(Buffer.from(text.replace(/\s/g, ''), 'base64'))
    }
  })

  it('a character turned into a space: "not a multiple of 4"; a space added: the same DER', () => {
    expect(outcome(() => pemBlocks(damaged(100, ' ')))).toEqual({ error: 'truncated: PEM block "CERTIFICATE" base64 length is not a multiple of 4' })
    expect(pemBlocks(damaged(100, ' ', 0))[0]!.der).toEqual(RSA)
  })

  it('padding: lost → "not a multiple of 4"; one too many → invalid; spaces between → read', () => {
    const der = RSA.subarray(0, RSA.length - ((RSA.length - 1) % 3)) // one octet past a multiple of 3: ends in "=="
    const text = layout(der, 64, '\n')
    expect(text.endsWith('==\n')).toBe(true)
    expect(outcome(() => pemBlocks(pem(text.replace('==\n', '\n'))))).toEqual({ error: 'truncated: PEM block "CERTIFICATE" base64 length is not a multiple of 4' })
    expect(outcome(() => pemBlocks(pem(text.replace('==\n', '===\n'))))).toEqual({ error: 'malformed: PEM block "CERTIFICATE" has invalid base64' })
    expect(pemBlocks(pem(text.replace('==\n', '= =\n')))[0]!.der).toEqual(der)
  })

  it('RFC 1421 headers (an encrypted key): an empty block, not an error', () => {
    const text = `\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n${layout(RSA, 64, '\n')}`
    expect(pemBlocks(pem(text, 'RSA PRIVATE KEY'))).toEqual([{ label: 'RSA PRIVATE KEY', der: Buffer.alloc(0) }])
  })

  it('no END line, no closing dashes: truncated', () => {
    expect(outcome(() => pemBlocks(Buffer.from(`-----BEGIN CERTIFICATE-----${body}`)))).toEqual({ error: 'truncated: PEM block "CERTIFICATE" has no END line' })
    expect(outcome(() => pemBlocks(Buffer.from('-----BEGIN CERTIFICATE')))).toEqual({ error: 'truncated: PEM BEGIN line without its closing dashes' })
  })

  it('labels one after another (the last label is remembered): each block keeps its own', () => {
    const text = Buffer.concat([
      pem(body), pem(body, 'CERTIFICATES'), pem(body, 'TRUSTED CERTIFICATE'), pem(body, 'CERT'), pem(body, 'X-CERTIFICATE'), pem(body, 'X-CERTIFICATE'), pem(body),
      Buffer.from('text between\n'), pem(body, ''),
    ])
    expect(pemBlocks(text).map((b) => b.label)).toEqual(['CERTIFICATE', 'CERTIFICATES', 'TRUSTED CERTIFICATE', 'CERT', 'X-CERTIFICATE', 'X-CERTIFICATE', 'CERTIFICATE', ''])
    expect(pemBlocks(text).every((b) => b.der.equals(RSA))).toBe(true)
    // The END marker must match the label read, not the one before.
    expect(outcome(() => pemBlocks(Buffer.concat([pem(body), Buffer.from(`-----BEGIN CERTIFICATES-----${body}-----END CERTIFICATE-----\n`)])))).toEqual({ error: 'truncated: PEM block "CERTIFICATES" has no END line' })
  })

  it('text before the first BEGIN line, or none at all', () => {
    expect(pemBlocks(Buffer.concat([Buffer.from('subject=CN = x\n'), pem(body)]))[0]!.der).toEqual(RSA)
    expect(pemBlocks(Buffer.from('-----BEGIN'))).toEqual([])
    expect(decodeCertificates(Buffer.concat([Buffer.from('Bag Attributes\n'), pem(body)]), 'x')).toMatchObject({ format: 'pem', problems: [] })
  })

  it('decoded blocks stay intact while many more are decoded', () => {
    const first = pemBlocks(pem(body))[0]!.der
    for (let i = 0; i < 300; i++) pemBlocks(pem(layout(CERTS[i % CERTS.length]!, 64, '\n')))
    expect(first).toEqual(RSA)
  })
})

// ------------------------------------------------------------------ times

/** The calendar as Date has it: the instant, or null for a day the month does not have. */
function dateOracle(year: number, month: number, day: number, h: number, m: number, s: number): number | null {
  const d = new Date(Date.UTC(2000, month - 1, day, h, m, s))
  d.setUTCFullYear(year, month - 1, day)
  return d.getUTCDate() === day && d.getUTCMonth() === month - 1 ? d.getTime() : null
}

const timeTlv = (tag: number, text: string): number => {
  const buf = Buffer.concat([Buffer.from([tag, text.length]), Buffer.from(text, 'latin1')])
  return timeValue(buf, readTlv(buf, 0))
}
const p2 = (n: number): string => String(n).padStart(2, '0')

describe('timeValue: integer calendar arithmetic against Date', () => {
  it('GeneralizedTime: days 28–31 of every month of leap, common and century years, 0000 to 9999', () => {
    for (const year of [0, 1, 4, 100, 200, 400, 1600, 1900, 1950, 1969, 1970, 1999, 2000, 2024, 2025, 2049, 2050, 2100, 2400, 9999]) {
      for (let month = 1; month <= 12; month++) {
        for (const day of [1, 28, 29, 30, 31]) {
          const want = dateOracle(year, month, day, 23, 59, 58)
          const got = outcome(() => timeTlv(0x18, `${String(year).padStart(4, '0')}${p2(month)}${p2(day)}235958Z`))
          expect([year, month, day, got]).toEqual([year, month, day, want ?? { error: 'malformed: day does not exist in that month' }])
        }
      }
    }
  })

  it('UTCTime: every two-digit year (≥ 50 → 19xx), on 29 February and 31 December', () => {
    for (let yy = 0; yy < 100; yy++) {
      const year = yy >= 50 ? 1900 + yy : 2000 + yy
      for (const [month, day] of [[2, 29], [12, 31], [1, 1]] as const) {
        const want = dateOracle(year, month, day, 12, 30, 15)
        const got = outcome(() => timeTlv(0x17, `${p2(yy)}${p2(month)}${p2(day)}123015Z`))
        expect([yy, month, day, got]).toEqual([yy, month, day, want ?? { error: 'malformed: day does not exist in that month' }])
      }
    }
  })

  it('hours, minutes and seconds at their limits', () => {
    expect(timeTlv(0x17, '260101000000Z')).toBe(Date.UTC(2026, 0, 1))
    expect(timeTlv(0x17, '261231235959Z')).toBe(Date.UTC(2026, 11, 31, 23, 59, 59))
    expect(outcome(() => timeTlv(0x17, '261231240000Z'))).toEqual({ error: 'malformed: time field out of range' })
  })
})

// ------------------------------------------------------------------ strings, hex

describe('stringValue and hex: a Buffer (fast path) reads as a Uint8Array does', () => {
  const tags = [0x0c, 0x13, 0x16, 0x14, 0x1e, 0x1c, 0x04]
  const samples: number[][] = [
    [], [0x41], [...Buffer.from('user-017883')], [...Buffer.from('ukey bench issuing CA')], [0x7f, 0x00, 0x41],
    [0xef, 0xbb, 0xbf, 0x41], // a UTF-8 byte-order mark: TextDecoder drops it
    [...Buffer.from('张三')], [0xe5, 0xbc], [0xed, 0xa0, 0x80], [0xc0, 0x80], [0xe9], [0x80, 0x9f],
    [0x00, 0x00, 0x5f, 0x20], [0x5f, 0x20, 0x4e], [0x00, 0x11, 0x00, 0x00],
  ]
  it('every string type, ASCII and not, valid and not', () => {
    for (const tag of tags) {
      for (const bytes of samples) {
        const buf = Buffer.from([0x99, tag, bytes.length, ...bytes, 0x99])
        const plain = new Uint8Array(buf)
        const tlv = readTlv(buf, 1)
        expect([tag, bytes, outcome(() => stringValue(buf, tlv))]).toEqual([tag, bytes, outcome(() => stringValue(plain, tlv))])
      }
    }
  })

  it('UTF8String and the 8-bit types as TextDecoder reads them', () => {
    const tlvOf = (tag: number, bytes: number[]) => {
      const buf = Buffer.from([tag, bytes.length, ...bytes])
      return stringValue(buf, readTlv(buf, 0))
    }
    expect(tlvOf(0x0c, [0xef, 0xbb, 0xbf, 0x41])).toBe(new TextDecoder().decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x41])))
    expect(tlvOf(0x13, [0x41, 0xe9, 0x80])).toBe(new TextDecoder('latin1').decode(new Uint8Array([0x41, 0xe9, 0x80])))
    expect(() => tlvOf(0x0c, [0xed, 0xa0, 0x80])).toThrow('UTF8String is not UTF-8')
  })

  it('hex: the same text from a Buffer and a Uint8Array, with and without a separator, and out of range', () => {
    const buf = Buffer.from([0x00, 0x0f, 0xa0, 0xff, 0x10])
    const plain = new Uint8Array(buf)
    for (const [s, e] of [[0, 5], [1, 4], [2, 2], [3, 1], [0, 7], [-1, 2]] as const) {
      for (const sep of ['', ':']) expect([s, e, sep, hex(buf, s, e, sep)]).toEqual([s, e, sep, hex(plain, s, e, sep)])
    }
    expect(hex(buf, 0, 5)).toBe('000fa0ff10')
  })
})

// ------------------------------------------------------------------ readCertSummary

const tlv = (tag: number, ...parts: Array<Uint8Array | number[]>): Buffer => {
  const body = Buffer.concat(parts.map((p) => Buffer.from(p)))
  const n = body.length
  return Buffer.concat([Buffer.from([tag, ...(n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff])]), body])
}
const oid = (h: string): Buffer => tlv(0x06, Buffer.from(h, 'hex'))
const ALG = tlv(0x30, oid('2a864886f70d01010b'), tlv(0x05))
const NAME = tlv(0x30, tlv(0x31, tlv(0x30, oid('550403'), tlv(0x0c, Buffer.from('x')))))
const TIME = tlv(0x17, Buffer.from('260101000000Z'))
function cert(validity: Buffer, spkiAlg: Buffer): Buffer {
  const spki = tlv(0x30, spkiAlg, tlv(0x03, [0x00, 0x01]))
  return tlv(0x30, tlv(0x30, tlv(0xa0, tlv(0x02, [2])), tlv(0x02, [5]), ALG, NAME, validity, NAME, spki), ALG, tlv(0x03, [0x00, 0x01]))
}
const EC_P256 = tlv(0x30, oid('2a8648ce3d0201'), oid('2a8648ce3d030107'))

describe('readCertSummary: the fields it reads without building elements', () => {
  it('reads a Buffer as it reads a Uint8Array (fixtures)', () => {
    for (const der of CERTS) {
      const a = readCertSummary(der)
      const b = readCertSummary(new Uint8Array(der))
      expect({ ...a, der: Buffer.from(a.der) }).toEqual({ ...b, der: Buffer.from(b.der) })
    }
  })

  it.each<[what: string, alg: Buffer, name: string]>([
    ['an EC curve not in the table', tlv(0x30, oid('2a8648ce3d0201'), oid('2b8104000a')), 'EC'],
    ['P-256', EC_P256, 'EC P-256'],
    ['P-521', tlv(0x30, oid('2a8648ce3d0201'), oid('2b81040023')), 'EC P-521'],
    ['RSA with a padded arc (0x80: not minimal, the same dotted text)', tlv(0x30, oid('2a86488086f70d010101'), tlv(0x05)), 'RSA'],
    ['an OID that starts as RSA’s', tlv(0x30, oid('2a864886f70d0101'), tlv(0x05)), '1.2.840.113549.1.1'],
    ['RSA-PSS', tlv(0x30, oid('2a864886f70d01010a')), 'RSA-PSS'],
    ['DSA', tlv(0x30, oid('2a8648ce380401')), 'DSA'],
    ['Ed448', tlv(0x30, oid('2b6571')), 'Ed448'],
  ])('key algorithm: %s → %s', (_what, alg, name) => {
    expect(readCertSummary(cert(tlv(0x30, TIME, TIME), alg)).keyAlgorithm).toBe(name)
  })

  it.each<[what: string, alg: Buffer, error: string]>([
    ['an empty curve OID', tlv(0x30, oid('2a8648ce3d0201'), tlv(0x06)), 'malformed: empty OID'],
    ['EC without parameters', tlv(0x30, oid('2a8648ce3d0201')), 'truncated'],
    ['an algorithm OID ending mid-arc', tlv(0x30, oid('2a86')), 'malformed: OID ends mid-arc'],
  ])('key algorithm: %s → %s', (_what, alg, error) => {
    expect((outcome(() => readCertSummary(cert(tlv(0x30, TIME, TIME), alg))) as { error: string }).error).toContain(error)
  })

  it.each<[what: string, validity: Buffer, error: string]>([
    ['one time', tlv(0x30, TIME), 'malformed: validity is not two times'],
    ['three times', tlv(0x30, TIME, TIME, TIME), 'malformed: validity is not two times'],
    ['a damaged third element (read before counting)', tlv(0x30, TIME, TIME, [0x17, 0x05, 0x00]), 'truncated'],
    ['an INTEGER for a time', tlv(0x30, TIME, tlv(0x02, [1])), 'malformed: tag 0x2 is not a time'],
  ])('validity: %s → %s', (_what, validity, error) => {
    expect((outcome(() => readCertSummary(cert(validity, EC_P256))) as { error: string }).error).toContain(error)
  })

  it('a plain object, as an object literal made it: prototype, keys and their order, inspect output', async () => {
    const { inspect } = await import('node:util')
    const s = readCertSummary(RSA)
    expect(Object.getPrototypeOf(s)).toBe(Object.prototype)
    expect(Object.keys(s)).toEqual(['serial', 'subjectCN', 'issuerCN', 'notBefore', 'notAfter', 'keyAlgorithm', 'der', 'sha256'])
    expect(s.sha256).toBeUndefined()
    const literal = { serial: s.serial, subjectCN: s.subjectCN, issuerCN: s.issuerCN, notBefore: s.notBefore, notAfter: s.notAfter, keyAlgorithm: s.keyAlgorithm, der: s.der, sha256: undefined }
    expect(s).toStrictEqual(literal)
    expect(inspect(s)).toBe(inspect(literal))
  })

  it('der: the input itself when the certificate is all of it, a view at an offset, never a copy', () => {
    const der = cert(tlv(0x30, TIME, TIME), EC_P256)
    expect(readCertSummary(der).der).toEqual(der)
    expect(readCertSummary(der).der.buffer).toBe(der.buffer)
    const inner = readCertSummary(Buffer.concat([Buffer.alloc(3), der, Buffer.alloc(2)]), 3, 3 + der.length)
    expect(Buffer.from(inner.der)).toEqual(der)
  })
})
