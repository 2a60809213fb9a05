// Issue 15, item 4: refusals from a standard CMP server are classified by their
// PKIFailureInfo bits and their status text into the FAQ codes a customer was
// told (403.7: not signed by a valid client certificate; 0116: not eligible or
// already renewed), each with its hint (the answer not chaining to the profile's CA: cmp-client.test.ts).
// The server is
// OpenSSL's `openssl cmp -port` mock (shared/notes/cmp.md), through ukey's client.

import { writeFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { UkeyError } from '../../src/errors.js'
import { exitCodeOf } from '../../src/output/exit-codes.js'
import { requestKeyUpdate } from '../../src/renewal/cmp/client.js'
import { PKI_FAILURE_BITS } from '../../src/renewal/cmp/asn1.js'
import { softwareSigner, spkiOf } from '../../src/renewal/cmp/signer.js'
import { derToPem, makeTestPki, startMockServer, writePkiFiles, type TestPki } from '../helpers/openssl-cmp.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const bit = (name: (typeof PKI_FAILURE_BITS)[number]): string => String(PKI_FAILURE_BITS.indexOf(name))

/** The mock with the test PKI; `serverTrusts`: the CA it accepts requests from (default: the customer's). */
async function mock(args: string[], o: { serverTrusts?: TestPki } = {}): Promise<{ pki: TestPki; url: string }> {
  const pki = await makeTestPki()
  const files = writePkiFiles(pki)
  cleanups.push(files.cleanup)
  if (o.serverTrusts) writeFileSync(files.file('ca.crt'), derToPem(o.serverTrusts.caDer))
  const srv = await startMockServer(files, { args })
  cleanups.push(srv.stop)
  // -srv_trusted was read at start-up; ukey trusts the customer's CA (the CA that signs the server's certificate).
  return { pki, url: srv.url }
}

async function refusal(pki: TestPki, url: string, trusted: Buffer[] = [pki.caDer]): Promise<UkeyError> {
  try {
    await requestKeyUpdate({
      url,
      oldCert: pki.oldDer,
      newSpki: spkiOf(pki.newKey),
      signerOld: softwareSigner(pki.oldKey),
      signerNew: softwareSigner(pki.newKey),
      trusted,
      transfer: { timeoutMs: 15_000 },
    })
  } catch (e) {
    if (e instanceof UkeyError) return e
    throw e
  }
  throw new Error('expected a refusal')
}

describe('openssl cmp mock server refusals → FAQ codes and hints', () => {
  it('a server that does not trust the client\'s certificate (-srv_trusted another CA: "no suitable sender cert"): 403.7, exit 30, its hint', async () => {
    const stranger = await makeTestPki()
    const { pki, url } = await mock([], { serverTrusts: stranger })
    const e = await refusal(pki, url)
    expect(e.code).toBe('RENEWAL_REFUSED')
    expect(e.params['faq']).toBe('403.7')
    expect(e.key).toBe('error.RENEWAL_REFUSED_4037')
    expect(e.actions).toEqual(['action.diagnose4037'])
    expect(exitCodeOf(e)).toBe(30)
  })

  const cases: Array<[string, string[], '403.7' | '0116']> = [
    ['badRequest', ['-failure', bit('badRequest')], '403.7'],
    ['badMessageCheck', ['-failure', bit('badMessageCheck')], '403.7'],
    ['signerNotTrusted', ['-failure', bit('signerNotTrusted')], '403.7'],
    ['systemFailure with "no suitable sender cert"', ['-failure', bit('systemFailure'), '-statusstring', 'no suitable sender cert'], '403.7'],
    ['badTime', ['-failure', bit('badTime')], '0116'],
    ['certRevoked', ['-failure', bit('certRevoked')], '0116'],
    ['systemFailure with "already renewed"', ['-failure', bit('systemFailure'), '-statusstring', 'certificate already renewed'], '0116'],
  ]
  for (const [name, args, faq] of cases) {
    it(`-pkistatus 2 ${name}: ${faq} with its hint, exit 30`, async () => {
      const { pki, url } = await mock(['-pkistatus', '2', ...args])
      const e = await refusal(pki, url)
      expect(e.code).toBe('RENEWAL_REFUSED')
      expect(e.params['faq']).toBe(faq)
      expect(e.actions).toEqual([faq === '0116' ? 'action.diagnose0116' : 'action.diagnose4037'])
      expect(exitCodeOf(e)).toBe(30)
    })
  }

  it('a refusal with neither a known bit nor known words: no FAQ code, still a next action (call the bank)', async () => {
    const { pki, url } = await mock(['-pkistatus', '2', '-failure', bit('systemUnavail'), '-statusstring', 'maintenance'])
    const e = await refusal(pki, url)
    expect(e.code).toBe('RENEWAL_REFUSED')
    expect(e.params['faq']).toBe('')
    expect(e.actions).toEqual(['action.callBank'])
  })
})
