import http from 'node:http'
import net from 'node:net'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { answeringStream } from '../../src/renewal/cmp/answering-stream.js'
import { rehearseExchange } from '../../src/renewal/cmp/client.js'
import { makeTestPki, type TestPki } from '../helpers/openssl-cmp.js'

// The rehearsal runs the exchange's code while the token generates the new key
// (src/renewal/steps/key-update.ts). It must get through every part it stands in
// for (a rehearsal that throws half-way warms nothing, and its failure is
// swallowed by design), and it must never reach the network: the request it
// builds is signed with filler, not by the customer's key.
let rsa: TestPki
let ec: TestPki
beforeAll(async () => {
  rsa = await makeTestPki({ oldKey: 'rsa', newKey: 'rsa' })
  ec = await makeTestPki({ oldKey: 'ec', newKey: 'ec' })
})
afterEach(() => vi.restoreAllMocks())

describe('rehearseExchange', () => {
  for (const [name, p, algorithm] of [
    ['RSA', () => rsa, 'RSA-PKCS-SHA256'],
    ['EC', () => ec, 'ECDSA-SHA256'],
  ] as const) {
    it(`gets through the whole exchange for an ${name} credential without opening a connection`, async () => {
      const connect = vi.spyOn(net.Socket.prototype, 'connect')
      await expect(rehearseExchange({ oldCert: p().oldDer, trusted: [p().caDer], algorithm }, new Date())).resolves.toBeUndefined()
      expect(connect).not.toHaveBeenCalled()
    })
  }

  it('posts through the HTTP client to a stream, never to a proxy or the network, whatever the environment says', async () => {
    const connect = vi.spyOn(net.Socket.prototype, 'connect')
    const ends = vi.spyOn(http.ClientRequest.prototype, 'end')
    vi.stubEnv('HTTP_PROXY', 'http://127.0.0.1:9')
    vi.stubEnv('http_proxy', 'http://127.0.0.1:9')
    vi.stubEnv('NO_PROXY', '')
    try {
      await expect(rehearseExchange({ oldCert: rsa.oldDer, trusted: [rsa.caDer], algorithm: 'RSA-PKCS-SHA256' }, new Date())).resolves.toBeUndefined()
    } finally {
      vi.unstubAllEnvs()
    }
    // One request went out, to the rehearsal's own stream: no socket, no proxy.
    expect(ends).toHaveBeenCalledTimes(1)
    const req = ends.mock.contexts[0] as http.ClientRequest
    expect({ host: req.host, path: req.path, socket: req.socket instanceof net.Socket }).toEqual({ host: '127.0.0.1', path: '/', socket: false })
    expect(connect).not.toHaveBeenCalled()
  })

  it('answeringStream answers any request with the body, as HTTP 200 application/pkixcmp', async () => {
    const body = Buffer.from([0x30, 0x03, 0x02, 0x01, 0x05])
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request('http://127.0.0.1:9/', { method: 'POST', createConnection: () => answeringStream(body) }, resolve)
      req.on('error', reject)
      req.end(Buffer.from('request'))
    })
    const chunks: Buffer[] = []
    for await (const c of res) chunks.push(c as Buffer)
    expect([res.statusCode, res.headers['content-type'], Buffer.concat(chunks)]).toEqual([200, 'application/pkixcmp', body])
  })

  it('gets through without trust anchors (a profile naming none)', async () => {
    await expect(rehearseExchange({ oldCert: rsa.oldDer, trusted: [], algorithm: 'RSA-PKCS-SHA256' }, new Date())).resolves.toBeUndefined()
  })

  it('fails plainly on a certificate it cannot read (the step ignores it; the request then fails for real)', async () => {
    await expect(rehearseExchange({ oldCert: Buffer.from('not a certificate'), trusted: [rsa.caDer], algorithm: 'RSA-PKCS-SHA256' }, new Date())).rejects.toThrow()
  })
})
