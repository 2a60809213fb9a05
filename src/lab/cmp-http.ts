// CMP over HTTP for the lab server (RFC 6712): POST with application/pkixcmp
// only, a bounded body, one answer per request, and a close that lets the
// requests in flight finish.

import { UkeyError } from '../errors.js'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export const PKIXCMP = 'application/pkixcmp'
/** A kur with a certificate chain is a few KiB. */
export const MAX_REQUEST_BYTES = 64 * 1024
/** How much of a refused request is read and dropped before the connection is cut. */
const MAX_DRAIN_BYTES = 1024 * 1024

export interface CmpHttpServer {
  url: string
  host: string
  port: number
  /** Stops accepting, waits for the requests in flight (at most `graceMs`, default 5 s), then closes. */
  close(graceMs?: number): Promise<void>
}

function plain(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close', ...headers })
  res.end(text + '\n')
}

export function listenCmp(handle: (der: Buffer) => Promise<Buffer>, host: string, port: number): Promise<CmpHttpServer> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') {
      req.resume()
      plain(res, 405, 'CMP over HTTP: POST only', { Allow: 'POST' })
      return
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
    if (type !== PKIXCMP) {
      req.resume()
      plain(res, 415, `Content-Type must be ${PKIXCMP}`)
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    let refused = false
    const tooLarge = (): void => {
      refused = true
      chunks.length = 0
      plain(res, 413, `request larger than ${MAX_REQUEST_BYTES} bytes`)
    }
    if (Number(req.headers['content-length'] ?? '0') > MAX_REQUEST_BYTES) tooLarge()
    req.on('data', (c: Buffer) => {
      size += c.length
      // After a 413 the rest is read and dropped (closing with unread data would reset the
      // connection, and the client might never see the 413), up to a bound.
      if (refused) {
        if (size > MAX_DRAIN_BYTES) req.destroy()
        return
      }
      if (size > MAX_REQUEST_BYTES) tooLarge()
      else chunks.push(c)
    })
    req.on('error', () => undefined)
    req.on('end', () => {
      if (refused) return
      handle(Buffer.concat(chunks)).then(
        (answer) => {
          res.writeHead(200, { 'Content-Type': PKIXCMP, 'Content-Length': String(answer.length), 'Cache-Control': 'no-cache', Connection: 'close' })
          res.end(answer)
        },
        () => plain(res, 500, 'internal error'),
      )
    })
  })
  server.requestTimeout = 15_000
  server.headersTimeout = 10_000
  server.keepAliveTimeout = 1_000
  return new Promise((resolve, reject) => {
    const failed = (e: NodeJS.ErrnoException): void =>
      reject(e.code === 'EADDRINUSE' ? new UkeyError('LAB_PORT_IN_USE', { params: { port } }) : e)
    server.once('error', failed)
    server.listen(port, host, () => {
      server.off('error', failed)
      const addr = server.address() as AddressInfo
      const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address
      resolve({
        url: `http://${shown}:${addr.port}/pkix/`,
        host: addr.address,
        port: addr.port,
        close: (graceMs = 5_000) =>
          new Promise<void>((done) => {
            const force = setTimeout(() => server.closeAllConnections(), graceMs)
            force.unref()
            server.close(() => {
              clearTimeout(force)
              done()
            })
            server.closeIdleConnections()
          }),
      })
    })
  })
}
