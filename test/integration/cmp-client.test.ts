// The renewal protocol client end to end against OpenSSL's own CMP server (the
// `openssl cmp -port` mock): success, polling, refusals mapped to the FAQ codes,
// the mock's certificate for the wrong key refused, the server down.
import { exitCodeOf } from '../../src/output/exit-codes.js'
import { afterEach, describe, expect, it } from 'vitest'
import { requestKeyUpdate, type KeyUpdateOptions } from '../../src/renewal/cmp/client.js'
import { softwareSigner, spkiOf } from '../../src/renewal/cmp/signer.js'
import { UkeyError } from '../../src/errors.js'
import { freePort, makeTestPki, startMockServer, writePkiFiles, type TestPki } from '../helpers/openssl-cmp.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function server(opts: { rsp?: 'renewed' | 'old'; args?: string[] } = {}): Promise<{ pki: TestPki; url: string }> {
  const pki = await makeTestPki()
  const files = writePkiFiles(pki)
  cleanups.push(files.cleanup)
  const srv = await startMockServer(files, opts)
  cleanups.push(srv.stop)
  return { pki, url: srv.url }
}

function options(pki: TestPki, url: string, extra: Partial<KeyUpdateOptions> = {}): KeyUpdateOptions {
  return {
    url,
    oldCert: pki.oldDer,
    newSpki: spkiOf(pki.newKey),
    signerOld: softwareSigner(pki.oldKey),
    signerNew: softwareSigner(pki.newKey),
    trusted: [pki.caDer],
    transfer: { timeoutMs: 15_000 },
    ...extra,
  }
}

async function failure(p: Promise<unknown>): Promise<UkeyError> {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(UkeyError)
    return e as UkeyError
  }
  throw new Error('expected a failure')
}

describe('requestKeyUpdate against openssl cmp', () => {
  it('renews: the certificate for the new key with the old subject, confirmed', async () => {
    const { pki, url } = await server()
    const r = await requestKeyUpdate(options(pki, url))
    expect(r.certificate).toEqual(pki.renewedDer)
  })

  it('polls while the server says waiting, telling the caller each time', async () => {
    const { pki, url } = await server({ args: ['-poll_count', '2', '-check_after', '1'] })
    const waits: number[] = []
    const r = await requestKeyUpdate(options(pki, url, { onWaiting: (s) => waits.push(s) }))
    expect(r.certificate).toEqual(pki.renewedDer)
    expect(waits.length).toBeGreaterThanOrEqual(1)
  })

  it('a refusal whose text carries 0116 becomes RENEWAL_REFUSED with the 0116 message (exit 30)', async () => {
    const { pki, url } = await server({ args: ['-pkistatus', '2', '-failure', '25', '-statusstring', '0116 already renewed'] })
    const e = await failure(requestKeyUpdate(options(pki, url)))
    expect(e).toMatchObject({ code: 'RENEWAL_REFUSED', key: 'error.RENEWAL_REFUSED_0116', params: { faq: '0116', text: '0116 already renewed' } })
    expect(exitCodeOf(e as UkeyError)).toBe(30)
    expect(e.actions).toEqual(['action.diagnose0116'])
  })

  it('a refusal for notAuthorized maps to 403.7', async () => {
    // failure bit 23 = notAuthorized (RFC 4210 PKIFailureInfo)
    const { pki, url } = await server({ args: ['-pkistatus', '2', '-failure', '23', '-statusstring', 'no valid client certificate'] })
    const e = await failure(requestKeyUpdate(options(pki, url)))
    expect(e).toMatchObject({ code: 'RENEWAL_REFUSED', key: 'error.RENEWAL_REFUSED_4037', params: { faq: '403.7' } })
  })

  it("the mock's certificate for the old key is rejected in certConf and never returned", async () => {
    const { pki, url } = await server({ rsp: 'old' })
    const e = await failure(requestKeyUpdate(options(pki, url)))
    expect(e).toMatchObject({ code: 'RENEWAL_BAD_CERTIFICATE', params: { detail: 'certificate is not for the new key' } })
    expect(exitCodeOf(e as UkeyError)).toBe(30)
  })

  it('responses signed by a CA that is not the bank\'s are not trusted: exit 30 (retrying cannot help), check the profile', async () => {
    const { pki, url } = await server()
    const other = await makeTestPki()
    const e = await failure(requestKeyUpdate(options(pki, url, { trusted: [other.caDer] })))
    expect(e.code).toBe('RENEWAL_SERVER_UNTRUSTED')
    expect(String(e.params['detail'])).toMatch(/chain|signer|sender/)
    expect(exitCodeOf(e as UkeyError)).toBe(30)
    expect(e.actions).toEqual(['action.checkProfile'])
  })

  it("a refusal signed by a CA that is not the bank's is not the bank's refusal: SERVER_UNTRUSTED (check the profile), its text only as detail", async () => {
    // Without this, the stranger's notAuthorized would read as 403.7 and send the technician to the wrong remedy.
    const { pki, url } = await server({ args: ['-pkistatus', '2', '-failure', '23', '-statusstring', 'no valid client certificate'] })
    const other = await makeTestPki()
    const e = await failure(requestKeyUpdate(options(pki, url, { trusted: [other.caDer] })))
    expect(e.code).toBe('RENEWAL_SERVER_UNTRUSTED')
    expect(String(e.params['detail'])).toContain('it refused with: no valid client certificate')
    expect(exitCodeOf(e as UkeyError)).toBe(30)
    expect(e.actions).toEqual(['action.checkProfile'])
  })

  it('the server down: RENEWAL_UNAVAILABLE (exit 31), nothing installed', async () => {
    const pki = await makeTestPki()
    const port = await freePort()
    const e = await failure(requestKeyUpdate(options(pki, `http://127.0.0.1:${port}/pkix/`, { transfer: { timeoutMs: 3000, connectTimeoutMs: 2000 } })))
    expect(e).toMatchObject({ code: 'RENEWAL_UNAVAILABLE' })
    expect(exitCodeOf(e as UkeyError)).toBe(31)
  })
})
