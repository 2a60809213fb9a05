// Damaged, hostile and oversized input to the CMP reader and verifier: always
// a CmpError (a typed refusal), never another exception, never a hang.

import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  CertifiedKeyPair,
  CertOrEncCert,
  CertRepMessage,
  CertResponse,
  CertResponses,
  PKIBody,
} from '../../src/renewal/cmp/asn1.js'
import { certificateFields } from '../../src/renewal/cmp/certificate-fields.js'
import { readTlv } from '../../src/cert/der.js'
import { elements, sequence, tlv } from '../../src/renewal/cmp/der.js'
import { CmpError } from '../../src/renewal/cmp/errors.js'
import { buildKeyUpdateRequest, buildProtectedMessage, buildStatusInfo, readResponse, toArrayBuffer } from '../../src/renewal/cmp/messages.js'
import { verifyProtection } from '../../src/renewal/cmp/protection.js'
import { softwareSigner, spkiOf } from '../../src/renewal/cmp/signer.js'
import { makeTestPki, type TestPki } from '../helpers/openssl-cmp.js'

/** More runs for a deliberate search: CMP_FUZZ_RUNS=20000 npx vitest run test/unit/cmp-robustness.test.ts */
const RUNS = Number(process.env['CMP_FUZZ_RUNS'] ?? 300)

let pki: TestPki
let kup: Buffer
let kur: Buffer
const ids = { transactionID: randomBytes(16), recipNonce: randomBytes(16) }

beforeAll(async () => {
  pki = await makeTestPki({ oldKey: 'ec', newKey: 'ec' })
  const r = new CertResponse()
  r.status = buildStatusInfo('accepted')
  r.certifiedKeyPair = new CertifiedKeyPair()
  r.certifiedKeyPair.certOrEncCert = new CertOrEncCert()
  r.certifiedKeyPair.certOrEncCert.certificate = toArrayBuffer(pki.renewedDer)
  const rep = new CertRepMessage()
  rep.response = new CertResponses([r])
  const body = new PKIBody()
  body.kup = rep
  const srv = certificateFields(pki.srvDer)
  kup = await buildProtectedMessage(
    { sender: srv.subject, recipient: srv.issuer, signer: softwareSigner(pki.srvKey), extraCerts: [pki.srvDer, pki.caDer], transactionID: ids.transactionID, senderNonce: randomBytes(16), recipNonce: ids.recipNonce },
    body,
  )
  kur = (await buildKeyUpdateRequest({ oldCert: pki.oldDer, newSpki: spkiOf(pki.newKey), signerOld: softwareSigner(pki.oldKey), signerNew: softwareSigner(pki.newKey) })).der
})

/** Runs reader and verifier; returns 'ok' or the CmpError reason; rethrows anything else. */
function outcome(der: Buffer): string {
  const started = Date.now()
  const results: string[] = []
  for (const step of [() => readResponse(der), () => verifyProtection(der, { trusted: [pki.caDer], expect: { transactionID: ids.transactionID, recipNonce: ids.recipNonce } })]) {
    try {
      step()
      results.push('ok')
    } catch (e) {
      if (!(e instanceof CmpError)) throw e
      results.push(e.reason)
    }
  }
  // A hang guard, not a timing: generous so a loaded machine never trips it.
  expect(Date.now() - started).toBeLessThan(10_000)
  return results.join('/')
}

describe('CMP reader and verifier on damaged input', () => {
  it('accepts the undamaged message', () => {
    expect(outcome(kup)).toBe('ok/ok')
  })

  it('every truncation is a typed error', () => {
    for (let n = 0; n < kup.length; n++) expect(outcome(kup.subarray(0, n))).not.toBe('ok/ok')
  })

  it('bit flips: typed error; a flip in header, body or protection never verifies', () => {
    // extraCerts ([1], after the protection) are not protected: a flip in a certificate
    // that is not used (the CA copy: the trusted one is used) may leave the message valid.
    const top = readTlv(kup, 0)
    const parts = elements(kup, top)
    const protectedEnd = parts[2]!.end
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat({ max: kup.length * 8 - 1 }), { minLength: 1, maxLength: 4 }), (bits) => {
        const d = Buffer.from(kup)
        for (const b of bits) d[b >> 3]! ^= 0x80 >> (b & 7)
        if (d.equals(kup)) return
        const result = outcome(d)
        if (bits.some((b) => b >> 3 < protectedEnd)) expect(result.endsWith('/ok')).toBe(false)
      }),
      { numRuns: RUNS },
    )
  })

  it('every bit of every tag and length octet of the message, its parts and theirs: never verifies', () => {
    // Exhaustive where the random search above only samples (a full scan of all bits takes
    // ~15 s): it once found the protection's [0] length made shorter (0x4a → 0x42) still
    // decoding and verifying (messages.ts, strictlyNested). The sampled flips cover the contents.
    const top = readTlv(kup, 0)
    const parts = elements(kup, top).slice(0, 3)
    const headers: Array<[number, number]> = [[0, top.start]]
    for (const part of parts) {
      headers.push([part.from, part.start])
      if (part.tag & 0x20) for (const child of elements(kup, part)) headers.push([child.from, child.start])
    }
    const verified: string[] = []
    for (const [from, to] of headers) {
      for (let at = from; at < to; at++) {
        for (let bit = 0; bit < 8; bit++) {
          const d = Buffer.from(kup)
          d[at]! ^= 1 << bit
          if (outcome(d).endsWith('/ok')) verified.push(`octet ${at} bit ${bit}`)
        }
      }
    }
    expect(headers.length).toBeGreaterThan(6)
    expect(verified).toEqual([])
  })

  it('spliced, inserted and random bytes: typed error', () => {
    fc.assert(
      fc.property(fc.nat({ max: kup.length }), fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.nat({ max: 40 }), (at, insert, drop) => {
        const d = Buffer.concat([kup.subarray(0, at), insert, kup.subarray(Math.min(kup.length, at + drop))])
        if (d.equals(kup)) return
        outcome(d)
      }),
      { numRuns: RUNS },
    )
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        expect(outcome(Buffer.from(bytes))).not.toBe('ok/ok')
      }),
      { numRuns: RUNS },
    )
  })

  it('a request, deep nesting, indefinite lengths and oversized elements: typed error, quickly', () => {
    expect(outcome(kur)).toMatch(/^unsupported\//)
    let deep: Buffer = Buffer.from('0500', 'hex')
    for (let i = 0; i < 2000; i++) deep = sequence(deep)
    expect(outcome(deep)).toBe('malformed/malformed')
    expect(outcome(Buffer.from('3080' + '3080' + '0000' + '0000', 'hex'))).toBe('malformed/malformed')
    const huge = sequence(kup.subarray(2 + (kup[1]! & 0x80 ? kup[1]! & 0x7f : 0)), tlv(0x04, Buffer.alloc(4 << 20)))
    expect(outcome(huge)).toMatch(/^malformed\//)
  })

  it('a protection BIT STRING with unused bits is malformed, though its octets are the signature', () => {
    const parts = elements(kup, readTlv(kup, 0))
    const bitString = readTlv(kup, parts[2]!.start, parts[2]!.end)
    const d = Buffer.from(kup)
    d[bitString.start] = 4
    expect(outcome(d)).toBe('ok/malformed')
  })

  it('a message signed by an untrusted key but naming the trusted server is refused', async () => {
    const impostor = await makeTestPki()
    const srv = certificateFields(pki.srvDer)
    const body = new PKIBody()
    body.pkiconf = null
    // The real server certificate in extraCerts, but the signature by another key.
    const forged = await buildProtectedMessage(
      { sender: srv.subject, recipient: srv.issuer, signer: softwareSigner(impostor.srvKey), extraCerts: [pki.srvDer], transactionID: ids.transactionID, senderNonce: randomBytes(16), recipNonce: ids.recipNonce },
      body,
    )
    expect(outcome(forged)).toBe('ok/bad-protection')
  })
})
