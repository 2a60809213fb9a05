// The HTTP transfer (RFC 6712) against a local server that misbehaves on purpose.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createLabCa } from '../../src/lab/ca.js'
import { postPkiMessage } from '../../src/renewal/cmp/transfer.js'
import { tlsServer } from '../helpers/tls-server.js'

let server: Server | undefined
const hits: string[] = []

afterEach(async () => {
  hits.length = 0
  if (server) {
    server.closeAllConnections()
    await new Promise((r) => server!.close(r))
  }
  server = undefined
})

async function serve(handler: (req: IncomingMessage, body: Buffer, res: ServerResponse) => void): Promise<string> {
  server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`)
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => handler(req, Buffer.concat(chunks), res))
  })
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/pkix/`
}

const MESSAGE = Buffer.from('3003020102', 'hex')

describe('postPkiMessage', () => {
  it('POSTs application/pkixcmp and returns the body', async () => {
    let seen: { type: string | undefined; body: string } | undefined
    const url = await serve((req, body, res) => {
      seen = { type: req.headers['content-type'], body: body.toString('hex') }
      res.writeHead(200, { 'Content-Type': 'application/pkixcmp' }).end(Buffer.from('3000', 'hex'))
    })
    expect((await postPkiMessage(url, MESSAGE)).toString('hex')).toBe('3000')
    expect(seen).toEqual({ type: 'application/pkixcmp', body: '3003020102' })
  })

  it('does not follow redirects', async () => {
    const url = await serve((req, _body, res) => {
      if (req.url === '/pkix/') res.writeHead(307, { Location: '/elsewhere' }).end()
      else res.writeHead(200, { 'Content-Type': 'application/pkixcmp' }).end(Buffer.from('3000', 'hex'))
    })
    await expect(postPkiMessage(url, MESSAGE)).rejects.toMatchObject({ reason: 'http-status', detail: 'HTTP 307 (redirects are not followed)' })
    expect(hits).toEqual(['POST /pkix/'])
  })

  it('refuses error statuses and other content types', async () => {
    const url = await serve((req, _body, res) => {
      if (req.url === '/pkix/') res.writeHead(500).end('boom')
      else res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>')
    })
    await expect(postPkiMessage(url, MESSAGE)).rejects.toMatchObject({ reason: 'http-status', detail: 'HTTP 500' })
    await expect(postPkiMessage(url.replace('/pkix/', '/html'), MESSAGE)).rejects.toMatchObject({ reason: 'content-type', detail: 'Content-Type text/html' })
  })

  it('stops reading past the size limit, declared or streamed', async () => {
    const url = await serve((req, _body, res) => {
      if (req.url === '/pkix/') res.writeHead(200, { 'Content-Type': 'application/pkixcmp', 'Content-Length': '2000000' }).end(Buffer.alloc(2_000_000))
      else {
        // Chunked, no length: the limit must be enforced while streaming.
        res.writeHead(200, { 'Content-Type': 'application/pkixcmp' })
        const chunk = Buffer.alloc(64 * 1024)
        const timer = setInterval(() => res.write(chunk), 1)
        res.on('close', () => clearInterval(timer))
      }
    })
    await expect(postPkiMessage(url, MESSAGE, { maxResponseBytes: 100_000 })).rejects.toMatchObject({ reason: 'response-too-large' })
    await expect(postPkiMessage(url.replace('/pkix/', '/stream'), MESSAGE, { maxResponseBytes: 100_000, timeoutMs: 5000 })).rejects.toMatchObject({ reason: 'response-too-large' })
  })

  it('gives up after the overall timeout', async () => {
    const url = await serve(() => {
      /* never answers */
    })
    const started = Date.now()
    await expect(postPkiMessage(url, MESSAGE, { timeoutMs: 300 })).rejects.toMatchObject({ reason: 'timeout' })
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('reports a refused connection and refuses other URL schemes', async () => {
    const url = await serve(() => {})
    await new Promise((r) => server!.close(r))
    server = undefined
    await expect(postPkiMessage(url, MESSAGE)).rejects.toMatchObject({ reason: 'transport', detail: 'ECONNREFUSED' })
    await expect(postPkiMessage('ftp://127.0.0.1/', MESSAGE)).rejects.toMatchObject({ reason: 'transport' })
  })

  it('verifies the HTTPS server against the given CA, and only that', async () => {
    const tls = await tlsServer((req, res) => {
      req.resume()
      res.writeHead(200, { 'Content-Type': 'application/pkixcmp' }).end(Buffer.from('3000', 'hex'))
    })
    server = tls.server
    const url = tls.url

    expect((await postPkiMessage(url, MESSAGE, { ca: [tls.caDer] })).toString('hex')).toBe('3000')
    // The system's trust store does not know the lab CA; another CA does not vouch for it.
    const tlsFailure = { reason: 'transport', detail: expect.stringMatching(/CERT|ISSUER|SIGNATURE/) }
    await expect(postPkiMessage(url, MESSAGE)).rejects.toMatchObject(tlsFailure)
    const other = await createLabCa(new Date())
    await expect(postPkiMessage(url, MESSAGE, { ca: [other.certPem] })).rejects.toMatchObject(tlsFailure)
  })
})
