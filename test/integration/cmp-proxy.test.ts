// The HTTP transfer (RFC 6712) through a real proxy: Debian's tinyproxy on
// 127.0.0.1. Plain http is forwarded (the proxy's log shows the POST in
// absolute form), https is tunnelled with CONNECT and verified end to end;
// a proxy that refuses or is not there is its own error, naming the proxy
// and never the credentials in its URL.

import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { UkeyError } from '../../src/errors.js'
import { exitCodeOf } from '../../src/output/exit-codes.js'
import { postPkiMessage } from '../../src/renewal/cmp/transfer.js'
import { freePort } from '../helpers/openssl-cmp.js'
import { startTinyproxy, stopTinyproxies, type Tinyproxy } from '../helpers/tinyproxy.js'
import { tlsServer } from '../helpers/tls-server.js'

const MESSAGE = Buffer.from('3003020102', 'hex')
const servers: Server[] = []
let httpUrl: string
let httpsUrl: string
let labCaDer: Buffer
const seen: string[] = []
let proxy: Tinyproxy

beforeAll(async () => {
  const answer = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void => {
    seen.push(`${req.method} ${req.url}`)
    req.resume()
    req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/pkixcmp' }).end(Buffer.from('3000', 'hex')))
  }
  const plain = createServer(answer)
  await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r))
  httpUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/pkix/`

  const tls = await tlsServer(answer)
  httpsUrl = tls.url
  labCaDer = tls.caDer
  servers.push(plain, tls.server)
  proxy = await startTinyproxy()
})

afterAll(async () => {
  await stopTinyproxies()
  for (const s of servers) {
    s.closeAllConnections()
    await new Promise((r) => s.close(r))
  }
})

const via = (p: { url: string } | string, extra: Record<string, string> = {}): Record<string, string> => ({ HTTP_PROXY: typeof p === 'string' ? p : p.url, HTTPS_PROXY: typeof p === 'string' ? p : p.url, ...extra })

describe('postPkiMessage through tinyproxy', () => {
  it('http: forwarded in absolute form; the proxy logs the POST, the server answers', async () => {
    const before = proxy.requests().length
    expect((await postPkiMessage(httpUrl, MESSAGE, { env: via(proxy) })).toString('hex')).toBe('3000')
    expect(proxy.requests().slice(before)).toEqual([`POST ${httpUrl} HTTP/1.1`])
    expect(seen.at(-1)).toBe('POST /pkix/')
  })

  it('https: a CONNECT tunnel, TLS verified end to end against the profile\'s CA', async () => {
    const before = proxy.requests().length
    expect((await postPkiMessage(httpsUrl, MESSAGE, { env: via(proxy), ca: [labCaDer] })).toString('hex')).toBe('3000')
    expect(proxy.requests().slice(before)).toEqual([`CONNECT ${new URL(httpsUrl).host} HTTP/1.1`])
    // The tunnel does not weaken TLS: a server the system's CAs do not vouch for is still refused.
    await expect(postPkiMessage(httpsUrl, MESSAGE, { env: via(proxy) })).rejects.toMatchObject({ reason: 'transport', detail: expect.stringMatching(/CERT|ISSUER|SIGNATURE/) })
    // …and the certificate must name the URL's host (127.0.0.1 here, not localhost).
    const byName = httpsUrl.replace('127.0.0.1', 'localhost')
    await expect(postPkiMessage(byName, MESSAGE, { env: via(proxy), ca: [labCaDer] })).rejects.toMatchObject({ reason: 'transport', detail: 'ERR_TLS_CERT_ALTNAME_INVALID' })
  })

  it('the profile\'s proxy (TransferOptions.proxy) with no variable set', async () => {
    const before = proxy.requests().length
    await postPkiMessage(httpUrl, MESSAGE, { proxy: proxy.url, env: {} })
    expect(proxy.requests().slice(before)).toEqual([`POST ${httpUrl} HTTP/1.1`])
  })

  it('NO_PROXY=127.0.0.1: direct, even with the proxy variable pointing at a closed port', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`
    const before = proxy.requests().length
    expect((await postPkiMessage(httpUrl, MESSAGE, { env: via(closed, { NO_PROXY: '127.0.0.1' }) })).toString('hex')).toBe('3000')
    expect((await postPkiMessage(httpUrl, MESSAGE, { env: via(proxy, { no_proxy: `127.0.0.1:${new URL(httpUrl).port}` }) })).toString('hex')).toBe('3000')
    expect(proxy.requests().length).toBe(before)
  })
})

describe('proxy authentication (tinyproxy BasicAuth)', () => {
  it('user:password in the proxy URL is sent as Basic credentials, forwarded and tunnelled; without them: refused (407, or 401 from tinyproxy 1.11 on a CONNECT)', async () => {
    const guarded = await startTinyproxy(['BasicAuth teller s3cret'])
    const withAuth = guarded.url.replace('http://', 'http://teller:s3cret@')
    expect((await postPkiMessage(httpUrl, MESSAGE, { env: via(withAuth) })).toString('hex')).toBe('3000')
    expect((await postPkiMessage(httpsUrl, MESSAGE, { env: via(withAuth), ca: [labCaDer] })).toString('hex')).toBe('3000')
    expect(guarded.requests()).toEqual([`POST ${httpUrl} HTTP/1.1`, `CONNECT ${new URL(httpsUrl).host} HTTP/1.1`])
    const e = await postPkiMessage(httpsUrl, MESSAGE, { env: via(guarded.url.replace('http://', 'http://teller:wrong@')), ca: [labCaDer] }).catch((x: unknown) => x)
    // tinyproxy 1.11 answers a CONNECT with bad credentials 401, not RFC 9110's 407: still the proxy's refusal.
    expect(e).toMatchObject({ code: 'RENEWAL_PROXY_REFUSED', params: { proxy: guarded.url, status: expect.stringMatching(/^HTTP 40[17] /) } })
    expect(JSON.stringify(e) + String(e)).not.toMatch(/teller|wrong/)
    await expect(postPkiMessage(httpUrl, MESSAGE, { env: via(guarded) })).rejects.toMatchObject({ code: 'RENEWAL_PROXY_REFUSED', params: { status: expect.stringMatching(/^HTTP 40[17] /) } })
  })
})

describe('a proxy that refuses or is not there', () => {
  it('Allow (this client not allowed): RENEWAL_PROXY_REFUSED, exit 31, the proxy\'s status', async () => {
    const denying = await startTinyproxy(['Allow 192.0.2.1'])
    const e = await postPkiMessage(httpUrl, MESSAGE, { env: via(denying) }).catch((x: unknown) => x)
    expect(e).toMatchObject({ code: 'RENEWAL_PROXY_REFUSED', params: { proxy: denying.url, status: 'HTTP 403 Access denied' } })
    expect(exitCodeOf(e as UkeyError)).toBe(31)
  })

  it('a filter rule on the URL (http) and ConnectPort (https tunnel): refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ukey-filter-'))
    writeFileSync(join(dir, 'filter'), 'pkix\n')
    const strict = await startTinyproxy([`Filter "${join(dir, 'filter')}"`, 'FilterURLs On', 'ConnectPort 443'])
    await expect(postPkiMessage(httpUrl, MESSAGE, { env: via(strict) })).rejects.toMatchObject({ code: 'RENEWAL_PROXY_REFUSED', params: { status: 'HTTP 403 Filtered' } })
    await expect(postPkiMessage(httpsUrl, MESSAGE, { env: via(strict), ca: [labCaDer] })).rejects.toMatchObject({ code: 'RENEWAL_PROXY_REFUSED', params: { status: 'HTTP 403 Access violation' } })
    expect(strict.log()).toMatch(/Proxying refused on filtered url/)
    expect(strict.log()).toMatch(/Refused CONNECT method on port/)
  })

  it('a closed proxy port: RENEWAL_PROXY_UNREACHABLE naming the proxy, never its user or password', async () => {
    const port = await freePort()
    const e = await postPkiMessage(httpsUrl, MESSAGE, { env: via(`http://teller:s3cret@127.0.0.1:${port}`), ca: [labCaDer] }).catch((x: unknown) => x)
    expect(e).toMatchObject({ code: 'RENEWAL_PROXY_UNREACHABLE', params: { proxy: `http://127.0.0.1:${port}`, detail: 'ECONNREFUSED' } })
    expect(exitCodeOf(e as UkeyError)).toBe(31)
    expect(JSON.stringify(e) + String(e)).not.toMatch(/teller|s3cret/)
  })

  it('the proxy cannot reach the server: its own 5xx is the server being unreachable, not a refusal', async () => {
    const down = `http://127.0.0.1:${await freePort()}/pkix/`
    await expect(postPkiMessage(down, MESSAGE, { env: via(proxy) })).rejects.toMatchObject({ reason: 'http-status', detail: `HTTP 500 Unable to connect from the proxy ${proxy.url}` })
  })
})
