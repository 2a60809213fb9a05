// Which proxy a renewal request takes (src/renewal/proxy.ts): the variables
// curl, wget and npm read, NO_PROXY as curl matches it (plus host:port), and
// the profile's renewal.proxy.

import { describe, expect, it } from 'vitest'
import { bypassesProxy, proxyAnswered, proxyFor } from '../../src/renewal/proxy.js'

const http = new URL('http://ra.bank.example:8080/pkix/')
const https = new URL('https://ra.bank.example/pkix/')

describe('proxyFor: the environment', () => {
  it('none set: direct', () => {
    expect(proxyFor(https, { env: {} })).toBeNull()
  })

  it('https URLs take HTTPS_PROXY, http URLs HTTP_PROXY; lower case wins over upper case', () => {
    const env = { HTTPS_PROXY: 'http://upper-s:1', HTTP_PROXY: 'http://upper:2', https_proxy: 'http://lower-s:3' }
    expect(proxyFor(https, { env })).toMatchObject({ display: 'http://lower-s:3', source: 'https_proxy' })
    expect(proxyFor(http, { env })).toMatchObject({ display: 'http://upper:2', source: 'HTTP_PROXY' })
    expect(proxyFor(https, { env: { HTTP_PROXY: 'http://p:2' } })).toBeNull()
    expect(proxyFor(http, { env: { HTTP_PROXY: '  ', http_proxy: '' } })).toBeNull()
  })

  it('a proxy without a scheme is http://; credentials are kept for the header and never shown', () => {
    const c = proxyFor(https, { env: { HTTPS_PROXY: 'proxy.branch:3128' } })!
    expect(c.url.href).toBe('http://proxy.branch:3128/')
    const auth = proxyFor(https, { env: { HTTPS_PROXY: 'http://teller:s3cret@proxy.branch:3128' } })!
    expect(auth.display).toBe('http://proxy.branch:3128')
    expect([auth.url.username, auth.url.password]).toEqual(['teller', 's3cret'])
  })

  it('SOCKS and nonsense are usage errors naming the variable, not a silent direct connection', () => {
    expect(() => proxyFor(https, { env: { HTTPS_PROXY: 'socks5://p:1080' } })).toThrow(expect.objectContaining({ code: 'USAGE', params: { detail: expect.stringContaining('HTTPS_PROXY: socks5:') } }))
    expect(() => proxyFor(https, { env: { https_proxy: 'http://' } })).toThrow(expect.objectContaining({ code: 'USAGE' }))
  })
})

describe('proxyFor: the profile', () => {
  it('renewal.proxy wins over the environment, for either scheme', () => {
    const env = { HTTPS_PROXY: 'http://env:1', HTTP_PROXY: 'http://env:1' }
    expect(proxyFor(https, { configured: 'http://bank-proxy:3128', env })).toMatchObject({ display: 'http://bank-proxy:3128', source: 'profile' })
    expect(proxyFor(http, { configured: 'https://bank-proxy:3129', env })).toMatchObject({ display: 'https://bank-proxy:3129', source: 'profile' })
  })

  it('NO_PROXY still sends a listed host direct', () => {
    expect(proxyFor(https, { configured: 'http://bank-proxy:3128', env: { NO_PROXY: 'bank.example' } })).toBeNull()
  })
})

describe('NO_PROXY', () => {
  const cases: Array<[string, string, boolean]> = [
    ['*', 'https://anything.example/', true],
    ['bank.example', 'https://bank.example/', true],
    ['bank.example', 'https://ra.bank.example/', true],
    ['.bank.example', 'https://bank.example/', true],
    ['.bank.example', 'https://ra.bank.example/', true],
    ['*.bank.example', 'https://ra.bank.example/', true],
    ['bank.example', 'https://notbank.example/', false],
    ['ank.example', 'https://bank.example/', false],
    ['BANK.Example', 'https://ra.bank.example/', true],
    ['other.example, ra.bank.example', 'https://ra.bank.example/', true],
    ['other.example ra.bank.example', 'https://ra.bank.example/', true],
    // host:port: that port only (scheme defaults count).
    ['ra.bank.example:443', 'https://ra.bank.example/', true],
    ['ra.bank.example:8443', 'https://ra.bank.example/', false],
    ['127.0.0.1:8829', 'http://127.0.0.1:8829/pkix/', true],
    ['127.0.0.1:8829', 'http://127.0.0.1:8830/pkix/', false],
    // Addresses: exact, or a CIDR block; never a suffix.
    ['127.0.0.1', 'http://127.0.0.1:8829/', true],
    ['127.0.0.0/8', 'http://127.3.2.1/', true],
    ['10.0.0.0/8', 'http://127.0.0.1/', false],
    ['.0.0.1', 'http://127.0.0.1/', false],
    ['::1', 'http://[::1]:8829/', true],
    ['[::1]:8829', 'http://[::1]:8829/', true],
    ['0:0::1', 'http://[::1]/', true],
    ['fd00::/8', 'http://[fd12::1]/', true],
    ['127.0.0.1', 'http://[::1]/', false],
    // Loopback is not implied (curl 7.88 proxies localhost and 127.0.0.1 too).
    ['localhost', 'http://127.0.0.1/', false],
    ['', 'http://127.0.0.1/', false],
  ]
  for (const [noProxy, url, direct] of cases) {
    it(`${JSON.stringify(noProxy)} ${direct ? 'bypasses' : 'does not bypass'} ${url}`, () => {
      expect(bypassesProxy(new URL(url), noProxy)).toBe(direct)
    })
  }

  it('either spelling of the variable; lower case first', () => {
    const env = { HTTP_PROXY: 'http://p:1', NO_PROXY: '127.0.0.1' }
    expect(proxyFor(new URL('http://127.0.0.1/'), { env })).toBeNull()
    expect(proxyFor(new URL('http://127.0.0.1/'), { env: { ...env, no_proxy: 'other.example' } })).not.toBeNull()
  })
})

describe('proxyAnswered: whose non-200 answer came back', () => {
  it('a forwarded answer carries Via; the proxy\'s own does not; a CONNECT tunnel says so itself', () => {
    expect(proxyAnswered(403, {})).toBe(true)
    expect(proxyAnswered(403, { via: '1.1 branch (tinyproxy/1.11.1)' })).toBe(false)
    expect(proxyAnswered(200, {})).toBe(false)
    expect(proxyAnswered(403, {}, 403)).toBe(true)
    expect(proxyAnswered(500, {}, 200)).toBe(false)
  })
})
