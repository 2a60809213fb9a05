// The certificate readers (src/cert) against the committed fixtures in
// test/fixtures/certs, whose expected values come from openssl itself
// (manifest.json, written by make.sh), plus hand-built DER for the edge cases.
import { exitCodeOf } from '../../src/output/exit-codes.js'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { DerError, readTlv } from '../../src/cert/der.js'
import { decodeCertificates, type CertFormat, type Decoded } from '../../src/cert/decode.js'
import { certDetails } from '../../src/cert/details.js'
import { certIdentity, certKey } from '../../src/cert/identity.js'
import { looksLikePem, pemBlocks } from '../../src/cert/pem.js'
import { looksLikePkcs12, openPkcs12 } from '../../src/cert/pkcs12.js'
import { looksLikePkcs7, pkcs7CertificateRanges } from '../../src/cert/pkcs7.js'
import { readCertSummary, type CertSummary } from '../../src/cert/summary.js'
import { UkeyError, type ErrorCode } from '../../src/errors.js'

// ------------------------------------------------------------------ fixtures

interface Witness {
  serial: string
  subjectCN: string | null
  issuerCN: string | null
  /** RFC 2253 order (most specific first), UTF-8. */
  subject: string
  issuer: string
  cnType: string | null
  notBefore: string
  notAfter: string
  sha256: string
  sha1: string
  keyBits: number | null
  signatureAlgorithm: string
  basicConstraints: string | null
  keyUsage: string | null
  extendedKeyUsage: string | null
  subjectKeyIdentifier: string | null
  authorityKeyIdentifier: string | null
  selfSigned: boolean
}
interface Manifest {
  p12Password: string
  files: Record<string, { count: number; certificates: Witness[] }>
}

const DIR = fileURLToPath(new URL('../fixtures/certs/', import.meta.url))
const fixture = (name: string): Buffer => readFileSync(DIR + name)
const manifest = JSON.parse(readFileSync(DIR + 'manifest.json', 'utf8')) as Manifest
const P12_PASS = 'test-p12-pass'

function witnesses(file: string): Witness[] {
  const entry = manifest.files[file]
  if (!entry) throw new Error(`manifest.json has no entry for ${file}: rerun test/fixtures/certs/make.sh`)
  expect(entry.certificates).toHaveLength(entry.count)
  return entry.certificates
}

/** openssl prints serials as upper-case hex octets; ukey: lower case, leading zero octets dropped. */
const serialOf = (w: Witness): string => w.serial.toLowerCase().replace(/^(?:00)+(?=..)/, '')
const colonHex = (b: Buffer): string => b.toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:')
const fingerprint = (der: Uint8Array, alg: 'sha256' | 'sha1'): string => colonHex(createHash(alg).update(der).digest())

function expectSummary(s: CertSummary, w: Witness): void {
  expect(s.serial).toBe(serialOf(w))
  expect(s.subjectCN).toBe(w.subjectCN)
  expect(s.issuerCN).toBe(w.issuerCN)
  // openssl's ISO 8601 output is to the second: compare the instants exactly.
  expect(s.notBefore.getTime()).toBe(Date.parse(w.notBefore))
  expect(s.notAfter.getTime()).toBe(Date.parse(w.notAfter))
  expect(fingerprint(s.der, 'sha256')).toBe(w.sha256)
  expect(fingerprint(s.der, 'sha1')).toBe(w.sha1)
}

/** The code of the UkeyError `f` throws (fails the test if it throws anything else or nothing). */
function errorCode(f: () => unknown): ErrorCode {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(UkeyError)
    return (e as UkeyError).code
  }
  throw new Error('expected a UkeyError, nothing was thrown')
}

function decoded(buf: Buffer, source = 'test'): Decoded {
  const d = decodeCertificates(buf, source)
  if (d === 'pkcs12') throw new Error('unexpected pkcs12')
  return d
}

const pemOf = (label: string, der: Uint8Array, eol = '\n'): string =>
  `-----BEGIN ${label}-----${eol}${Buffer.from(der).toString('base64').match(/.{1,64}/g)!.join(eol)}${eol}-----END ${label}-----${eol}`

// ------------------------------------------------------- DER building blocks

type Part = Uint8Array | number[]
/** One DER element with a minimal definite length. */
function tlv(tag: number, ...parts: Part[]): Buffer {
  const body = Buffer.concat(parts.map((p) => Buffer.from(p)))
  const n = body.length
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff]
  return Buffer.concat([Buffer.from([tag, ...len]), body])
}
const oid = (hex: string): Buffer => tlv(0x06, Buffer.from(hex, 'hex'))
const utc = (s: string): Buffer => tlv(0x17, Buffer.from(s, 'latin1'))
const gen = (s: string): Buffer => tlv(0x18, Buffer.from(s, 'latin1'))
const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'))
const bmp = (s: string): Buffer => tlv(0x1e, Buffer.from(s, 'utf16le').swap16())
const cnName = (...values: Buffer[]): Buffer => tlv(0x30, ...values.map((v) => tlv(0x31, tlv(0x30, oid('550403'), v))))

interface CertParts {
  version?: Buffer
  serial?: Buffer
  issuer?: Buffer
  subject?: Buffer
  notBefore?: Buffer
  notAfter?: Buffer
  spki?: Buffer
}
const SHA256_RSA = tlv(0x30, oid('2a864886f70d01010b'), tlv(0x05))
const P256_SPKI = tlv(0x30, tlv(0x30, oid('2a8648ce3d0201'), oid('2a8648ce3d030107')), tlv(0x03, [0x00, 0x04, 0x01, 0x02]))

/** A structurally complete (unsigned: the signature is filler) X.509 certificate. */
function tbsParts(p: CertParts = {}): Buffer[] {
  return [
    p.version ?? tlv(0xa0, tlv(0x02, [0x02])),
    p.serial ?? tlv(0x02, [0x05]),
    SHA256_RSA,
    p.issuer ?? cnName(utf8('Minimal CA')),
    tlv(0x30, p.notBefore ?? utc('260101000000Z'), p.notAfter ?? utc('270101000000Z')),
    p.subject ?? cnName(utf8('Minimal')),
    p.spki ?? P256_SPKI,
  ]
}
function minimalCert(p: CertParts = {}): Buffer {
  return tlv(0x30, tlv(0x30, ...tbsParts(p)), SHA256_RSA, tlv(0x03, [0x00, 0xde, 0xad, 0xbe, 0xef]))
}
/** Content octets of the outer SEQUENCE of a DER element built by `tlv`. */
function contentOf(der: Buffer): Buffer {
  const t = readTlv(der, 0)
  return der.subarray(t.start, t.end)
}

// ============================================================ good fixtures

describe('decodeCertificates: good fixtures against openssl (manifest.json)', () => {
  it.each<[file: string, format: CertFormat, keyAlgorithms: string[]]>([
    ['rsa.pem', 'pem', ['RSA']],
    ['rsa.der', 'der', ['RSA']],
    ['rsa.crt', 'pem', ['RSA']],
    ['ec.pem', 'pem', ['EC P-256']],
    ['sm2.pem', 'pem', ['SM2']],
    ['bmp.pem', 'pem', ['EC P-256']],
    ['chain.pem', 'pem', ['RSA', 'RSA', 'RSA']],
    ['bundle.p7b', 'pkcs7', ['RSA', 'RSA', 'RSA']],
    ['bundle-pem.p7b', 'pkcs7-pem', ['RSA', 'RSA', 'RSA']],
    ['trusted.pem', 'pem', ['RSA']],
    ['key-and-cert.pem', 'pem', ['RSA']],
  ])('%s → %s, certificates as openssl reads them', (file, format, keyAlgorithms) => {
    const d = decoded(fixture(file), file)
    const ws = witnesses(file)
    expect(d.format).toBe(format)
    expect(d.problems).toEqual([])
    expect(d.certificates).toHaveLength(keyAlgorithms.length)
    expect(ws).toHaveLength(keyAlgorithms.length)
    d.certificates.forEach((s, i) => {
      expectSummary(s, ws[i]!)
      expect(s.keyAlgorithm).toBe(keyAlgorithms[i])
    })
  })

  it('the customer certificates have the exact, round validity the window tests rely on', () => {
    for (const file of ['rsa.pem', 'ec.pem', 'sm2.pem', 'bmp.pem']) {
      const [w] = witnesses(file)
      expect([file, w!.notBefore, w!.notAfter]).toEqual([file, '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z'])
      const [s] = decoded(fixture(file)).certificates
      expect(s!.notBefore.toISOString()).toBe('2026-01-01T00:00:00.000Z')
      expect(s!.notAfter.toISOString()).toBe('2027-01-01T00:00:00.000Z')
    }
  })

  it('reads the Chinese UTF8String subject and the issuing CA name', () => {
    const [s] = decoded(fixture('rsa.pem')).certificates
    expect(witnesses('rsa.pem')[0]!.cnType).toBe('UTF8STRING')
    expect(s!.subjectCN).toBe('张三')
    expect(s!.issuerCN).toBe('测试银行 Issuing CA')
  })

  it('reads a BMPString (UTF-16BE) common name', () => {
    expect(witnesses('bmp.pem')[0]!.cnType).toBe('BMPSTRING')
    expect(decoded(fixture('bmp.pem')).certificates[0]!.subjectCN).toBe('赵六')
  })

  it('drops the sign-guard 00 octet of a serial with the top bit set', () => {
    const [s] = decoded(fixture('rsa.der')).certificates
    expect(witnesses('rsa.der')[0]!.serial).toBe('8A3F2C1D5E6B7A90')
    expect(s!.serial).toBe('8a3f2c1d5e6b7a90')
    // …which is really in the DER: INTEGER of 9 octets, 00 8a …
    expect(Buffer.from(s!.der).includes(Buffer.from('0209008a3f2c1d5e6b7a90', 'hex'))).toBe(true)
  })

  it('reads the root’s GeneralizedTime notAfter (2050) from the chain', () => {
    const root = decoded(fixture('chain.pem')).certificates[2]!
    expect(root.notAfter.toISOString()).toBe('2050-01-01T00:00:00.000Z')
    expect(Buffer.from(root.der).includes(Buffer.from('\x18\x0f20500101000000Z', 'latin1'))).toBe(true)
  })

  it('the same certificate reads the same from PEM, DER, .crt, TRUSTED CERTIFICATE, key+cert and every bundle', () => {
    const ders = [
      decoded(fixture('rsa.pem')).certificates[0]!.der,
      decoded(fixture('rsa.der')).certificates[0]!.der,
      decoded(fixture('rsa.crt')).certificates[0]!.der,
      decoded(fixture('trusted.pem')).certificates[0]!.der,
      decoded(fixture('key-and-cert.pem')).certificates[0]!.der,
      decoded(fixture('chain.pem')).certificates[0]!.der,
      decoded(fixture('bundle.p7b')).certificates[0]!.der,
      decoded(fixture('bundle-pem.p7b')).certificates[0]!.der,
    ].map((d) => Buffer.from(d).toString('hex'))
    expect(new Set(ders).size).toBe(1)
    expect(ders[0]).toBe(fixture('rsa.der').toString('hex'))
  })

  it('TRUSTED CERTIFICATE: the trust settings after the certificate are not part of its DER', () => {
    const block = pemBlocks(fixture('trusted.pem'))[0]!
    expect(block.label).toBe('TRUSTED CERTIFICATE')
    const s = decoded(fixture('trusted.pem')).certificates[0]!
    expect(s.der.length).toBeLessThan(block.der.length)
    expect(fingerprint(s.der, 'sha256')).toBe(witnesses('trusted.pem')[0]!.sha256)
  })

  it('accepts CRLF line endings', () => {
    const crlf = Buffer.from(fixture('rsa.pem').toString('latin1').replace(/\n/g, '\r\n'), 'latin1')
    const d = decoded(crlf)
    expect(d.certificates.map((c) => c.serial)).toEqual(['8a3f2c1d5e6b7a90'])
  })

  it('recognises PKCS#12 by content and leaves it to openPkcs12', () => {
    for (const file of ['aes.p12', 'legacy.p12', 'nopass.p12', 'ec.p12', 'bad/corrupt.p12']) {
      expect([file, decodeCertificates(fixture(file), file)]).toEqual([file, 'pkcs12'])
    }
  })
})

// ================================================================ PKCS#12

describe('openPkcs12', () => {
  it('the manifest records the password make.sh used', () => {
    expect(manifest.p12Password).toBe(P12_PASS)
  })

  it.each<[file: string, password: string]>([
    ['aes.p12', P12_PASS],
    ['legacy.p12', P12_PASS],
    ['nopass.p12', ''],
    ['ec.p12', P12_PASS],
  ])('%s opens and holds the certificates openssl lists', (file, password) => {
    const buf = fixture(file)
    expect(looksLikePkcs12(buf)).toBe(true)
    const r = openPkcs12(buf, password, file)
    if (!r.ok) throw new Error(`${file} did not open: ${r.reason}`)
    const ws = witnesses(file)
    expect(r.certificates).toHaveLength(ws.length)
    // Bag order is openssl's too, but the contract is the set: match by fingerprint.
    const bySha = new Map(ws.map((w) => [w.sha256, w]))
    for (const der of r.certificates) {
      const w = bySha.get(fingerprint(der, 'sha256'))
      expect(w, `certificate ${fingerprint(der, 'sha256')} is not in the manifest`).toBeDefined()
      expectSummary(readCertSummary(der), w!)
    }
  })

  it('aes.p12 is OpenSSL 3 PBES2/AES, legacy.p12 is 3DES/RC2: both read the same three certificates', () => {
    const aes = openPkcs12(fixture('aes.p12'), P12_PASS, 'aes.p12')
    const legacy = openPkcs12(fixture('legacy.p12'), P12_PASS, 'legacy.p12')
    if (!aes.ok || !legacy.ok) throw new Error('did not open')
    const fps = (l: Buffer[]) => l.map((d) => fingerprint(d, 'sha256')).sort()
    expect(fps(aes.certificates)).toEqual(fps(legacy.certificates))
    expect(readCertSummary(aes.certificates[0]!).subjectCN).toBe('张三')
    // The OIDs that make the difference: PBES2 + AES-256-CBC vs pbeWithSHAAnd3-KeyTripleDES-CBC / pbeWithSHAAnd40BitRC2-CBC.
    expect(fixture('aes.p12').includes(Buffer.from('06092a864886f70d01050d', 'hex'))).toBe(true) // PBES2
    expect(fixture('legacy.p12').includes(Buffer.from('060a2a864886f70d010c0103', 'hex'))).toBe(true) // 3DES
    expect(fixture('legacy.p12').includes(Buffer.from('060a2a864886f70d010c0106', 'hex'))).toBe(true) // RC2-40
  })

  it('ec.p12: the EC certificate forge cannot parse still comes back byte for byte', () => {
    const r = openPkcs12(fixture('ec.p12'), P12_PASS, 'ec.p12')
    if (!r.ok) throw new Error('did not open')
    expect(r.certificates.map((d) => d.toString('hex'))).toEqual([decoded(fixture('ec.pem')).certificates[0]!.der].map((d) => Buffer.from(d).toString('hex')))
  })

  it.each<[file: string, password: string]>([
    ['aes.p12', 'wrong'],
    ['aes.p12', ''],
    ['legacy.p12', 'wrong'],
    ['ec.p12', 'Test-p12-pass'],
    ['nopass.p12', P12_PASS],
  ])('%s with password %j → wrong password', (file, password) => {
    expect(openPkcs12(fixture(file), password, file)).toEqual({ ok: false, reason: 'password' })
  })

  it('bad/corrupt.p12 (bytes inverted in the middle) never yields certificates', () => {
    // The inverted bytes are covered by the MAC, and a failed MAC is what a wrong
    // password looks like too: today this reads as { ok: false, reason: 'password' }
    // (see the report); a fix that tells corruption apart would throw CERT_CORRUPT.
    let r
    try {
      r = openPkcs12(fixture('bad/corrupt.p12'), P12_PASS, 'corrupt.p12')
    } catch (e) {
      expect((e as UkeyError).code).toBe('CERT_CORRUPT')
      return
    }
    expect(r).toEqual({ ok: false, reason: 'password' })
  })

  it('a PFX whose DER does not parse → CERT_CORRUPT', () => {
    const cut = fixture('aes.p12').subarray(0, 2000)
    expect(errorCode(() => openPkcs12(cut, P12_PASS, 'cut.p12'))).toBe('CERT_CORRUPT')
    // decodeCertificates sees a SEQUENCE that runs past the end of the file.
    expect(errorCode(() => decodeCertificates(cut, 'cut.p12'))).toBe('CERT_TRUNCATED')
  })

  // Regression: a structurally broken PFX ("ASN.1 object is not an PKCS#12 PFX") was once reported as a wrong password.
  it('a PFX that is well-formed DER but not a PFX → CERT_CORRUPT, not "wrong password"', () => {
    const notPfx = tlv(0x30, tlv(0x02, [0x03])) // SEQUENCE { version 3 } and nothing else
    expect(looksLikePkcs12(notPfx)).toBe(true)
    expect(errorCode(() => openPkcs12(notPfx, P12_PASS, 'not-pfx.p12'))).toBe('CERT_CORRUPT')
  })
})

// ============================================================ bad fixtures

describe('decodeCertificates: bad fixtures', () => {
  it.each<[file: string, code: ErrorCode]>([
    ['bad/empty.pem', 'INPUT_EMPTY'],
    ['bad/binary.bin', 'NOT_A_CERTIFICATE'],
    ['bad/not-cert.txt', 'NOT_A_CERTIFICATE'],
    ['bad/key-only.pem', 'NOT_A_CERTIFICATE'],
    ['bad/broken-base64.pem', 'CERT_CORRUPT'],
    ['bad/truncated.der', 'CERT_TRUNCATED'],
    ['bad/truncated.pem', 'CERT_TRUNCATED'],
    ['bad/bad-date.pem', 'CERT_CORRUPT'],
    ['bad/garbage-after.der', 'CERT_CORRUPT'],
  ])('%s → %s', (file, code) => {
    const e = (() => {
      try {
        decodeCertificates(fixture(file), file)
      } catch (err) {
        return err
      }
      throw new Error(`${file} decoded without error`)
    })()
    expect(e).toBeInstanceOf(UkeyError)
    expect((e as UkeyError).code).toBe(code)
    expect((e as UkeyError).params['source']).toBe(file)
    expect(exitCodeOf(e as UkeyError)).toBe(3)
  })

  it('the bad fixtures are what their names say', () => {
    expect(fixture('bad/empty.pem')).toHaveLength(0)
    expect(fixture('bad/binary.bin')[0]).not.toBe(0x30)
    expect(fixture('bad/truncated.der')).toHaveLength(fixture('rsa.der').length >> 1)
    expect(fixture('bad/garbage-after.der').subarray(0, fixture('rsa.der').length)).toEqual(fixture('rsa.der'))
    expect(fixture('bad/garbage-after.der').length - fixture('rsa.der').length).toBe(10)
    expect(fixture('bad/truncated.pem').toString()).not.toContain('-----END')
    expect(fixture('bad/broken-base64.pem').toString()).toMatch(/!/)
    expect(fixture('bad/broken-base64.pem').toString()).toMatch(/\*/)
    const badDate = pemBlocks(fixture('bad/bad-date.pem'))[0]!.der
    expect(badDate.includes(Buffer.from('\x17\x0d271301000000Z', 'latin1'))).toBe(true)
    expect(badDate.length).toBe(fixture('rsa.der').length)
    const corrupt = fixture('bad/corrupt.p12')
    expect(corrupt.length).toBe(fixture('aes.p12').length)
    expect(corrupt.equals(fixture('aes.p12'))).toBe(false)
  })

  it('the error says which problem, in a detail, never as a stack trace', () => {
    try {
      decodeCertificates(fixture('bad/bad-date.pem'), 'bad-date.pem')
      throw new Error('no error')
    } catch (e) {
      expect((e as UkeyError).params).toMatchObject({ source: 'bad-date.pem', detail: 'time field out of range' })
    }
  })
})

// ===================================================== PEM with damaged blocks

describe('PEM files with more than one block', () => {
  const goodPem = fixture('rsa.pem').toString('latin1')
  const rsaDer = fixture('rsa.der')

  it('one good and one truncated certificate block: the good one plus one problem', () => {
    const text = goodPem + pemOf('CERTIFICATE', rsaDer.subarray(0, 500))
    const d = decoded(Buffer.from(text, 'latin1'), 'mixed.pem')
    expect(d.format).toBe('pem')
    expect(d.certificates.map((c) => c.subjectCN)).toEqual(['张三'])
    expect(d.problems.map((p) => p.code)).toEqual(['CERT_TRUNCATED'])
    expect(d.problems[0]!.params['source']).toBe('mixed.pem')
  })

  it('a broken block before a good one: the good one still counts', () => {
    const badDate = pemBlocks(fixture('bad/bad-date.pem'))[0]!.der
    const text = pemOf('CERTIFICATE', badDate) + fixture('ec.pem').toString('latin1')
    const d = decoded(Buffer.from(text, 'latin1'))
    expect(d.certificates.map((c) => c.subjectCN)).toEqual(['李四'])
    expect(d.problems.map((p) => p.code)).toEqual(['CERT_CORRUPT'])
  })

  it('two broken blocks and no good one: no certificates, two problems (returned, not thrown)', () => {
    const text = pemOf('CERTIFICATE', rsaDer.subarray(0, 500)) + pemOf('CERTIFICATE', Buffer.concat([rsaDer, Buffer.from([0])]))
    const d = decoded(Buffer.from(text, 'latin1'))
    expect(d.certificates).toEqual([])
    expect(d.problems.map((p) => p.code)).toEqual(['CERT_TRUNCATED', 'CERT_CORRUPT'])
  })

  it('broken base64 in any block fails the whole file (pem.ts: a damaged file must not look like a shorter bundle)', () => {
    const text = goodPem + fixture('bad/broken-base64.pem').toString('latin1')
    expect(errorCode(() => decodeCertificates(Buffer.from(text, 'latin1'), 'x'))).toBe('CERT_CORRUPT')
  })

  it('a missing END line after a good block fails the whole file as truncated', () => {
    const text = goodPem + fixture('bad/truncated.pem').toString('latin1')
    expect(errorCode(() => decodeCertificates(Buffer.from(text, 'latin1'), 'x'))).toBe('CERT_TRUNCATED')
  })

  it('non-certificate blocks (keys, CRLs) are skipped, not problems', () => {
    const text = fixture('bad/key-only.pem').toString('latin1') + goodPem + pemOf('X509 CRL', Buffer.from([0x30, 0x00]))
    const d = decoded(Buffer.from(text, 'latin1'))
    expect(d.certificates).toHaveLength(1)
    expect(d.problems).toEqual([])
  })
})

// ========================================================================= pem.ts

describe('pem.ts', () => {
  it('looksLikePem: any "-----BEGIN " anywhere, nothing else', () => {
    expect(looksLikePem(fixture('chain.pem'))).toBe(true)
    expect(looksLikePem(fixture('rsa.der'))).toBe(false)
    expect(looksLikePem(fixture('bad/not-cert.txt'))).toBe(false)
  })

  it('lists every block in order with the text around them ignored', () => {
    const blocks = pemBlocks(fixture('chain.pem'))
    expect(blocks.map((b) => b.label)).toEqual(['CERTIFICATE', 'CERTIFICATE', 'CERTIFICATE'])
    expect(fixture('chain.pem').toString()).toMatch(/^subject=C=CN, O=测试银行, OU=个人网银, CN=张三\nissuer=/)
    expect(pemBlocks(fixture('key-and-cert.pem')).map((b) => b.label)).toEqual(['PRIVATE KEY', 'CERTIFICATE'])
    expect(pemBlocks(fixture('rsa.pem'))[0]!.der).toEqual(fixture('rsa.der'))
    expect(pemBlocks(Buffer.from('no blocks here'))).toEqual([])
  })

  it('an encrypted key with RFC 1421 headers is an empty block, not an error', () => {
    const text = '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n'
    expect(pemBlocks(Buffer.from(text))).toEqual([{ label: 'RSA PRIVATE KEY', der: Buffer.alloc(0) }])
    expect(errorCode(() => decodeCertificates(Buffer.from(text), 'enc.key'))).toBe('NOT_A_CERTIFICATE')
  })

  it.each<[what: string, text: string, reason: 'truncated' | 'malformed']>([
    ['BEGIN line cut short', '-----BEGIN CERTIF', 'truncated'],
    ['no END line', '-----BEGIN CERTIFICATE-----\nMIIB\n', 'truncated'],
    ['END of another label', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END PKCS7-----\n', 'truncated'],
    ['base64 length not a multiple of 4', '-----BEGIN CERTIFICATE-----\nMIIBAA\nA\n-----END CERTIFICATE-----\n', 'truncated'],
    ['"!" in the base64', '-----BEGIN CERTIFICATE-----\nMII!\n-----END CERTIFICATE-----\n', 'malformed'],
    ['padding in the middle', '-----BEGIN CERTIFICATE-----\nMA==\nMAAA\n-----END CERTIFICATE-----\n', 'malformed'],
  ])('%s → DerError %s', (_what, text, reason) => {
    let err: unknown
    try {
      pemBlocks(Buffer.from(text))
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(DerError)
    expect((err as DerError).reason).toBe(reason)
    expect(errorCode(() => decodeCertificates(Buffer.from(text), 'x'))).toBe(reason === 'truncated' ? 'CERT_TRUNCATED' : 'CERT_CORRUPT')
  })
})

// ======================================================================= pkcs7.ts

describe('pkcs7.ts', () => {
  const emptySignedData = (): Buffer =>
    tlv(0x30, oid('2a864886f70d010702'), tlv(0xa0, tlv(0x30, tlv(0x02, [0x01]), tlv(0x31), tlv(0x30, oid('2a864886f70d010701')))))

  it('looksLikePkcs7: signedData ContentInfo only', () => {
    expect(looksLikePkcs7(fixture('bundle.p7b'))).toBe(true)
    expect(looksLikePkcs7(fixture('rsa.der'))).toBe(false)
    expect(looksLikePkcs7(fixture('aes.p12'))).toBe(false)
    expect(looksLikePkcs7(fixture('bad/truncated.der'))).toBe(false)
    expect(looksLikePkcs7(emptySignedData())).toBe(true)
  })

  it('certificate ranges are the certificates’ exact bytes, in bundle order', () => {
    const buf = fixture('bundle.p7b')
    const ranges = pkcs7CertificateRanges(buf)
    expect(ranges).toHaveLength(witnesses('bundle.p7b').length)
    ranges.forEach(([s, e], i) => expect(fingerprint(buf.subarray(s, e), 'sha256')).toBe(witnesses('bundle.p7b')[i]!.sha256))
  })

  it('the PEM bundle holds the same DER as the binary one', () => {
    const [block] = pemBlocks(fixture('bundle-pem.p7b'))
    expect(block!.label).toBe('PKCS7')
    expect(block!.der).toEqual(fixture('bundle.p7b'))
  })

  it('a bundle with no certificates: PEM → NOT_A_CERTIFICATE', () => {
    expect(pkcs7CertificateRanges(emptySignedData())).toEqual([])
    expect(errorCode(() => decodeCertificates(Buffer.from(pemOf('PKCS7', emptySignedData())), 'empty.p7b'))).toBe('NOT_A_CERTIFICATE')
  })

  // Regression: an empty DER bundle once came back as success with zero certificates.
  it('a bundle with no certificates: DER → NOT_A_CERTIFICATE as for PEM', () => {
    expect(errorCode(() => decodeCertificates(emptySignedData(), 'empty.p7b'))).toBe('NOT_A_CERTIFICATE')
  })

  it('damaged bundles', () => {
    const p7 = fixture('bundle.p7b')
    expect(errorCode(() => decodeCertificates(Buffer.concat([p7, Buffer.from([0, 0])]), 'x'))).toBe('CERT_CORRUPT')
    // cut inside the second certificate: the outer lengths now run past the end
    // (not PKCS#7 any more to looksLikePkcs7, so it is read as a truncated DER certificate).
    expect(errorCode(() => decodeCertificates(p7.subarray(0, 1500), 'x'))).toBe('CERT_TRUNCATED')
    // a bundle whose first certificate has a broken date: the whole file is corrupt
    const broken = Buffer.from(p7)
    const at = broken.indexOf(Buffer.from('\x17\x0d270101000000Z', 'latin1'))
    broken.write('13', at + 4, 'latin1')
    expect(errorCode(() => decodeCertificates(broken, 'x'))).toBe('CERT_CORRUPT')
  })
})

// ============================================== hand-built DER: times, lengths, names

describe('readCertSummary on hand-built DER', () => {
  const at = (p: CertParts) => readCertSummary(minimalCert(p))

  it('the minimal certificate itself reads (baseline for the cases below)', () => {
    const s = at({})
    expect(s).toMatchObject({ serial: '05', subjectCN: 'Minimal', issuerCN: 'Minimal CA', keyAlgorithm: 'EC P-256' })
    expect(s.notBefore.toISOString()).toBe('2026-01-01T00:00:00.000Z')
    expect(decoded(minimalCert()).format).toBe('der')
  })

  it.each<[time: string, iso: string]>([
    ['491231235959Z', '2049-12-31T23:59:59.000Z'],
    ['500101000000Z', '1950-01-01T00:00:00.000Z'],
    ['000101000000Z', '2000-01-01T00:00:00.000Z'],
    ['991231235959Z', '1999-12-31T23:59:59.000Z'],
    ['280229120000Z', '2028-02-29T12:00:00.000Z'],
  ])('UTCTime %s → %s (RFC 5280: YY ≥ 50 is 19YY)', (time, iso) => {
    expect(at({ notAfter: utc(time) }).notAfter.toISOString()).toBe(iso)
  })

  it.each<[time: string, iso: string]>([
    ['20500101000000Z', '2050-01-01T00:00:00.000Z'],
    ['20491231235959Z', '2049-12-31T23:59:59.000Z'],
    ['99991231235959Z', '9999-12-31T23:59:59.000Z'],
    ['21000228000000Z', '2100-02-28T00:00:00.000Z'],
  ])('GeneralizedTime %s → %s', (time, iso) => {
    expect(at({ notAfter: gen(time) }).notAfter.toISOString()).toBe(iso)
  })

  it.each<[what: string, time: Buffer]>([
    ['31 February (UTCTime)', utc('260231000000Z')],
    ['30 February (GeneralizedTime)', gen('20260230000000Z')],
    ['29 February in a common year', utc('270229000000Z')],
    ['29 February 2100 (not a leap year)', gen('21000229000000Z')],
    ['31 April', utc('260431000000Z')],
    ['month 13', utc('271301000000Z')],
    ['month 00', utc('270001000000Z')],
    ['day 00', utc('270100000000Z')],
    ['hour 24', utc('270101240000Z')],
    ['minute 60', utc('270101006000Z')],
    ['second 60', utc('270101000060Z')],
    ['a letter O for a zero', utc('27O101000000Z')],
    ['no seconds', utc('2701010000Z')],
    ['no Z', utc('270101000000')],
    ['13 characters, the last not Z', utc('2701010000000')],
    ['a time-zone offset', utc('270101000000+0800')],
    ['fractional seconds', gen('20270101000000.5Z')],
    ['GeneralizedTime with a two-digit year', gen('270101000000Z')],
    ['a PrintableString where a time belongs', tlv(0x13, Buffer.from('270101000000Z'))],
  ])('rejects %s → CERT_CORRUPT', (_what, time) => {
    expect(() => at({ notAfter: time })).toThrow(DerError)
    expect(errorCode(() => decodeCertificates(minimalCert({ notAfter: time }), 'x'))).toBe('CERT_CORRUPT')
  })

  // Regression: Date.UTC maps years 0–99 to 1900–1999, so year 0049 once read as 1949.
  it('GeneralizedTime year 0049 is not read as 1949', () => {
    let year: number | undefined
    try {
      year = at({ notAfter: gen('00490101000000Z') }).notAfter.getUTCFullYear()
    } catch {
      return
    }
    expect(year).toBe(49)
  })

  it.each<[what: string, bytes: Buffer]>([
    ['long form with a leading zero octet (0x82 00 nn)', Buffer.concat([Buffer.from([0x30, 0x82, 0x00, contentOf(minimalCert()).length]), contentOf(minimalCert())])],
    ['long form for a length under 128 (inner 0x81 01)', minimalCert({ version: Buffer.from([0xa0, 0x04, 0x02, 0x81, 0x01, 0x02]) })],
    ['five length octets', minimalCert({ version: Buffer.from([0xa0, 0x08, 0x02, 0x85, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02]) })],
  ])('rejects a non-minimal length: %s → CERT_CORRUPT', (_what, bytes) => {
    expect(contentOf(minimalCert()).length).toBeLessThan(256) // so 0x82 00 nn really is non-minimal
    expect(() => readCertSummary(bytes)).toThrow(DerError)
    expect(errorCode(() => decodeCertificates(bytes, 'x'))).toBe('CERT_CORRUPT')
  })

  it.each<[what: string, bytes: Buffer]>([
    ['outer SEQUENCE', Buffer.concat([Buffer.from([0x30, 0x80]), contentOf(minimalCert()), Buffer.from([0, 0])])],
    ['inner [0] version', minimalCert({ version: Buffer.from([0xa0, 0x80, 0x02, 0x01, 0x02, 0x00, 0x00]) })],
  ])('rejects the indefinite length form (BER, not DER) in the %s → CERT_CORRUPT', (_what, bytes) => {
    let err: unknown
    try {
      readCertSummary(bytes)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(DerError)
    expect((err as DerError).reason).toBe('malformed')
    expect(errorCode(() => decodeCertificates(bytes, 'x'))).toBe('CERT_CORRUPT')
  })

  it('a certificate cut anywhere → CERT_TRUNCATED', () => {
    const der = minimalCert()
    for (const n of [2, 10, der.length >> 1, der.length - 1]) {
      expect([n, errorCode(() => decodeCertificates(der.subarray(0, n), 'x'))]).toEqual([n, 'CERT_TRUNCATED'])
    }
  })

  it('multi-byte tags and unknown versions are refused', () => {
    expect(() => at({ version: tlv(0xa0, tlv(0x02, [0x03])) })).toThrow(/unknown certificate version/)
    expect(() => readCertSummary(Buffer.from([0x3f, 0x81, 0x01, 0x00]))).toThrow(/multi-byte tag/)
  })

  it('v1 certificates (no [0] version) read', () => {
    const der = tlv(0x30, tlv(0x30, ...tbsParts().slice(1)), SHA256_RSA, tlv(0x03, [0x00, 0x01]))
    expect(readCertSummary(der).serial).toBe('05')
  })

  it.each<[bytes: number[], hex: string]>([
    [[0x05], '05'],
    [[0x00], '00'],
    [[0x00, 0x8a, 0x3f], '8a3f'],
    [[0x01, 0x00], '0100'],
    [[0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], '7f' + 'ff'.repeat(19)],
  ])('serial %j → %s (lower-case hex, whole octets, leading zero octets dropped)', (bytes, hex) => {
    expect(at({ serial: tlv(0x02, bytes) }).serial).toBe(hex)
  })

  it('an empty serial INTEGER is refused', () => {
    expect(errorCode(() => decodeCertificates(minimalCert({ serial: tlv(0x02) }), 'x'))).toBe('CERT_CORRUPT')
  })

  it.each<[what: string, value: Buffer, cn: string]>([
    ['UTF8String', utf8('张三'), '张三'],
    ['BMPString', bmp('张三'), '张三'],
    ['UniversalString', tlv(0x1c, Buffer.from([0, 0, 0x5f, 0x20, 0, 0, 0x4e, 0x09])), '张三'],
    ['PrintableString', tlv(0x13, Buffer.from('Zhang San')), 'Zhang San'],
    ['IA5String', tlv(0x16, Buffer.from('zs@example.cn')), 'zs@example.cn'],
  ])('common name as %s', (_what, value, cn) => {
    expect(at({ subject: cnName(value) }).subjectCN).toBe(cn)
  })

  it('several CNs: the last (most specific) wins; none: null', () => {
    expect(at({ subject: cnName(utf8('outer'), utf8('inner')) }).subjectCN).toBe('inner')
    const noCn = tlv(0x30, tlv(0x31, tlv(0x30, oid('55040a'), utf8('测试银行')))) // O only
    expect(at({ subject: noCn }).subjectCN).toBeNull()
    expect(at({ subject: tlv(0x30) }).subjectCN).toBeNull()
  })

  it.each<[what: string, value: Buffer]>([
    ['odd-length BMPString', tlv(0x1e, [0x5f, 0x20, 0x4e])],
    ['UniversalString not a multiple of 4', tlv(0x1c, [0, 0, 0x5f])],
    ['UTF8String that is not UTF-8', tlv(0x0c, [0xe5, 0xbc])],
    ['a non-string type', tlv(0x02, [0x01])],
  ])('a %s as CN → CERT_CORRUPT', (_what, value) => {
    expect(errorCode(() => decodeCertificates(minimalCert({ subject: cnName(value) }), 'x'))).toBe('CERT_CORRUPT')
  })

  it('with exact=false trailing bytes belong to the caller; with exact they are an error', () => {
    const der = Buffer.concat([minimalCert(), Buffer.from('trust settings')])
    expect(() => readCertSummary(der)).toThrow(/bytes after the certificate/)
    const s = readCertSummary(der, 0, der.length, false)
    expect(Buffer.from(s.der)).toEqual(minimalCert())
  })

  it('der is a view into the input, not a copy', () => {
    const buf = Buffer.concat([Buffer.alloc(7), minimalCert()])
    const s = readCertSummary(buf, 7)
    expect(s.der.buffer).toBe(buf.buffer)
    expect(s.der.byteOffset).toBe(buf.byteOffset + 7)
  })

  it.each<[what: string, spki: Buffer, alg: string]>([
    ['RSA', tlv(0x30, tlv(0x30, oid('2a864886f70d010101'), tlv(0x05)), tlv(0x03, [0])), 'RSA'],
    ['EC P-384', tlv(0x30, tlv(0x30, oid('2a8648ce3d0201'), oid('2b81040022')), tlv(0x03, [0])), 'EC P-384'],
    ['EC, SM2 curve', tlv(0x30, tlv(0x30, oid('2a8648ce3d0201'), oid('2a811ccf5501822d')), tlv(0x03, [0])), 'SM2'],
    ['SM2 OID as the algorithm (GM/T 0015)', tlv(0x30, tlv(0x30, oid('2a811ccf5501822d')), tlv(0x03, [0])), 'SM2'],
    ['EC with explicit parameters', tlv(0x30, tlv(0x30, oid('2a8648ce3d0201'), tlv(0x30)), tlv(0x03, [0])), 'EC'],
    ['Ed25519', tlv(0x30, tlv(0x30, oid('2b6570')), tlv(0x03, [0])), 'Ed25519'],
    ['an unknown algorithm', tlv(0x30, tlv(0x30, oid('2a0304')), tlv(0x03, [0])), '1.2.3.4'],
  ])('key algorithm %s', (_what, spki, alg) => {
    expect(at({ spki }).keyAlgorithm).toBe(alg)
  })
})

// ===================================================================== details.ts

describe('certDetails against openssl', () => {
  const KU: Record<string, string> = {
    'Digital Signature': 'digitalSignature',
    'Non Repudiation': 'nonRepudiation',
    'Key Encipherment': 'keyEncipherment',
    'Data Encipherment': 'dataEncipherment',
    'Key Agreement': 'keyAgreement',
    'Certificate Sign': 'keyCertSign',
    'CRL Sign': 'cRLSign',
    'Encipher Only': 'encipherOnly',
    'Decipher Only': 'decipherOnly',
  }
  const EKU: Record<string, string> = {
    'TLS Web Client Authentication': 'clientAuth',
    'TLS Web Server Authentication': 'serverAuth',
    'E-mail Protection': 'emailProtection',
    'Code Signing': 'codeSigning',
  }
  const SIG: Record<string, string> = { 'SM2-with-SM3': 'SM3withSM2' }
  const list = (text: string | null, names: Record<string, string>): string[] | null =>
    text === null ? null : text.split(', ').map((t) => names[t] ?? `unmapped: ${t}`)
  // openssl -nameopt RFC2253 prints what the JSON's dn is: most specific first, "," between RDNs, no space.
  const keyId = (text: string | null): string | null => (text === null ? null : text.replace(/^keyid:/, '').replace(/:/g, '').toLowerCase())
  const plainHex = (colon: string): string => colon.replace(/:/g, '').toLowerCase()
  const CURVE_BITS: Record<string, number> = { 'P-256': 256, 'P-384': 384, sm2p256v1: 256 }

  const cases: Array<[file: string, index: number]> = [
    ['rsa.pem', 0],
    ['ec.pem', 0],
    ['sm2.pem', 0],
    ['bmp.pem', 0],
    ['chain.pem', 1],
    ['chain.pem', 2],
  ]
  it.each(cases)('%s #%i', async (file, index) => {
    const s = decoded(fixture(file)).certificates[index]!
    const w = witnesses(file)[index]!
    const d = await certDetails(s)
    const id = d.identity
    expect(id.subject).toEqual({ dn: w.subject, cn: s.subjectCN })
    expect(id.issuer).toEqual({ dn: w.issuer, cn: s.issuerCN })
    expect(id.serial).toBe(serialOf(w))
    expect(id.notBefore.getTime()).toBe(Date.parse(w.notBefore))
    expect(id.notAfter.getTime()).toBe(Date.parse(w.notAfter))
    // RSA by size, EC and SM2 by curve: either way the bits openssl states.
    if ('size' in id.key) expect(id.key).toEqual({ algorithm: s.keyAlgorithm, size: w.keyBits })
    else if ('curve' in id.key) expect([`${id.key.algorithm === 'EC' ? 'EC ' + id.key.curve : id.key.algorithm}`, CURVE_BITS[id.key.curve!]]).toEqual([s.keyAlgorithm, w.keyBits])
    else expect.unreachable(`key ${JSON.stringify(id.key)}`)
    expect(d.signatureAlgorithm).toBe(SIG[w.signatureAlgorithm] ?? w.signatureAlgorithm)
    expect(d.keyUsage).toEqual(list(w.keyUsage, KU))
    expect(d.extendedKeyUsage).toEqual(list(w.extendedKeyUsage, EKU))
    expect(d.subjectAltNames).toEqual([])
    expect(d.subjectKeyIdentifier).toBe(keyId(w.subjectKeyIdentifier))
    expect(d.authorityKeyIdentifier).toBe(keyId(w.authorityKeyIdentifier))
    expect(d.isCA).toBe(w.basicConstraints?.startsWith('CA:TRUE') ?? false)
    expect(id.sha256).toBe(plainHex(w.sha256))
    expect(d.sha1).toBe(plainHex(w.sha1))
    expect(d.selfSigned).toBe(w.selfSigned)
  })

  it('the fixtures cover a self-signed root, CAs and leaves', () => {
    expect(witnesses('chain.pem').map((w) => [w.selfSigned, w.basicConstraints])).toEqual([
      [false, 'CA:FALSE'],
      [false, 'CA:TRUE, pathlen:0'],
      [true, 'CA:TRUE'],
    ])
  })

  it('a certificate whose subject equals its issuer but whose signature does not verify is not self-signed', async () => {
    const der = Buffer.from(fixture('bmp.pem').toString('latin1').replace(/-----[^-]+-----|\s/g, ''), 'base64')
    der[der.length - 5] ^= 0x01 // damage the signature, not the structure
    const d = await certDetails(readCertSummary(der))
    expect(d.identity.subject).toEqual(d.identity.issuer)
    expect(d.selfSigned).toBe(false)
  })

  // SM2: node's X509Certificate.verify() returns false (it cannot pass the GM/T 0009
  // distinguishing ID), so details.ts decides from names and key identifiers.
  it('sm2.pem is self-signed, as openssl verify says', async () => {
    expect(witnesses('sm2.pem')[0]!.selfSigned).toBe(true)
    const d = await certDetails(decoded(fixture('sm2.pem')).certificates[0]!)
    expect(d.selfSigned).toBe(true)
  })
})

describe('certIdentity: the facts every JSON certificate object carries (docs/json.md)', () => {
  const identity = (p: CertParts) => certIdentity(readCertSummary(minimalCert(p)))
  const printable = (s: string): Buffer => tlv(0x13, Buffer.from(s, 'latin1'))
  const t61 = (s: string): Buffer => tlv(0x14, Buffer.from(s, 'latin1'))

  it('names: RFC 4514 order and escapes whatever the string type; the CN beside the DN', () => {
    const name = tlv(0x30, tlv(0x31, tlv(0x30, oid('550406'), printable('CN'))), tlv(0x31, tlv(0x30, oid('55040a'), t61('Bank, Ltd'))), tlv(0x31, tlv(0x30, oid('550403'), utf8('张三'))))
    expect(identity({ subject: name }).subject).toEqual({ dn: 'CN=张三,O=Bank\\, Ltd,C=CN', cn: '张三' })
    expect(identity({ subject: cnName(bmp('赵六')) }).subject).toEqual({ dn: 'CN=赵六', cn: '赵六' })
    // A type outside X.520's 2.5.4 arc goes through the OID table (and an unknown one is its OID).
    const mail = tlv(0x30, tlv(0x31, tlv(0x30, oid('2a864886f70d010901'), tlv(0x16, Buffer.from('a@b.c')))), tlv(0x31, tlv(0x30, oid('2a0304'), utf8(' x '))))
    expect(identity({ subject: mail }).subject.dn).toBe('1.2.3.4=\\ x\\ ,E=a@b.c')
  })

  it('a name the fast reader passes but RFC 4514 cannot write (two values in one attribute) is "#" and its DER, and the batch goes on', () => {
    const twoValues = tlv(0x30, tlv(0x31, tlv(0x30, oid('550403'), utf8('a'), utf8('b'))))
    const id = identity({ subject: twoValues })
    expect(id.subject).toEqual({ dn: '#' + twoValues.toString('hex'), cn: 'a' })
  })

  it('issuers kept by their bytes: two CAs whose names have the same length never swap', () => {
    for (let i = 0; i < 20; i++) {
      const ca = i % 2 ? 'CA-A' : 'CA-B'
      expect(identity({ issuer: cnName(utf8(ca)) }).issuer.dn).toBe(`CN=${ca}`)
    }
  })

  it('serial in lower-case hex without DER\'s sign octet; the SHA-256 of the DER; an EC key by its curve', () => {
    const der = minimalCert({ serial: tlv(0x02, [0x00, 0x8a, 0x3f]) })
    const id = certIdentity(readCertSummary(der))
    expect(id.serial).toBe('8a3f')
    expect(identity({ serial: tlv(0x02, [0x00]) }).serial).toBe('00')
    expect(id.sha256).toBe(createHash('sha256').update(der).digest('hex'))
    expect(id.key).toEqual({ algorithm: 'EC', curve: 'P-256' })
  })

  it('keys: RSA and DSA by size, EC and SM2 by curve, others by name', () => {
    expect(certKey('RSA', () => 2048)).toEqual({ algorithm: 'RSA', size: 2048 })
    expect(certKey('DSA', () => null)).toEqual({ algorithm: 'DSA', size: null })
    expect(certKey('EC P-384', () => 384)).toEqual({ algorithm: 'EC', curve: 'P-384' })
    expect(certKey('EC', () => null)).toEqual({ algorithm: 'EC', curve: null })
    expect(certKey('SM2', () => 256)).toEqual({ algorithm: 'SM2', curve: 'sm2p256v1' })
    expect(certKey('Ed25519', () => 256)).toEqual({ algorithm: 'Ed25519' })
    expect(certKey('1.2.3.4', () => null)).toEqual({ algorithm: '1.2.3.4' })
  })
})
