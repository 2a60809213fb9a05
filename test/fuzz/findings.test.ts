// What the fuzz runs found (test/fuzz, scripts/fuzz.sh), each kept as a plain
// regression test with the smallest input that shows it.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DerError } from '../../src/cert/der.js'
import { certDetails } from '../../src/cert/details.js'
import { pemBlocks } from '../../src/cert/pem.js'
import { MAX_KDF_ITERATIONS, openPkcs12 } from '../../src/cert/pkcs12.js'
import { readCertSummary } from '../../src/cert/summary.js'
import { UkeyError } from '../../src/errors.js'
import { parse, serialize } from './mutate.js'

const corpus = (name: string): Buffer => readFileSync(join(import.meta.dirname, 'corpus', name))

describe('fuzz findings', () => {
  it('certDetails on a certificate the strict reader accepts but whose extension is damaged: DerError, never another error', () => {
    // ec.pem with the first extension's value replaced by a BOOLEAN: the frame is intact.
    const der = pemBlocks(readFileSync(join(import.meta.dirname, '../fixtures/certs/ec.pem')))[0]!.der
    const [cert] = parse(der)!
    const tbs = cert!.children![0]!
    const extensions = tbs.children!.find((n) => n.tag === 0xa3)!.children![0]!
    extensions.children![0]!.children!.at(-1)!.content = Buffer.from([0x01, 0x01, 0xff])
    extensions.children![0]!.children!.at(-1)!.tag = 0x04
    const damaged = serialize(cert!)
    const summary = readCertSummary(damaged)
    expect(() => certDetails(summary)).toThrow(DerError)
  })

  it(`a PKCS#12 asking for more than ${MAX_KDF_ITERATIONS} key derivation rounds is refused before any (2,000,000 took 16 s; 2^31 hours)`, () => {
    // The MAC's iteration count (the last INTEGER of the PFX) set to 2^31 - 1.
    const roots = parse(corpus('aes-2iter.p12'))!
    const macData = roots[0]!.children!.at(-1)!
    macData.children!.at(-1)!.content = Buffer.from('7fffffff', 'hex')
    let error: unknown
    try {
      openPkcs12(serialize(roots[0]!), 'fuzz', 'huge.p12')
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(UkeyError)
    expect(error).toMatchObject({ code: 'PKCS12_UNSUPPORTED', params: { detail: `2147483647 key derivation rounds (at most ${MAX_KDF_ITERATIONS})` } })
  })

  it('a PKCS#12 with the usual counts still opens (2 rounds here; the fixtures have 2,048)', () => {
    const r = openPkcs12(corpus('aes-2iter.p12'), 'fuzz', 'aes-2iter.p12')
    expect(r.ok && r.certificates.length).toBe(1)
  })
})

describe('fuzz findings: the strict DER reader', () => {
  it('a UniversalString subject CN with a character beyond U+10FFFF: DerError, not a RangeError from String.fromCodePoint', () => {
    // rsa.der with its subject CN re-encoded as a UniversalString holding 0xE6B58BE8.
    const [cert] = parse(readFileSync(join(import.meta.dirname, '../fixtures/certs/rsa.der')))!
    const tbs = cert!.children![0]!
    const subject = tbs.children!.filter((n) => n.tag === 0x30)[3]!
    const cn = subject.children!.at(-1)!.children![0]!.children![1]!
    cn.tag = 0x1c
    cn.content = Buffer.from('e6b58be8', 'hex')
    expect(() => readCertSummary(serialize(cert!))).toThrow(DerError)
    cn.content = Buffer.from('00004e2d', 'hex') // 中: a real character still reads
    expect(readCertSummary(serialize(cert!)).subjectCN).toBe('中')
  })
})
