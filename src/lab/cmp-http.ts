// The lab CMP server's HTTP side (RFC 6712): its one path, POST with
// application/pkixcmp only, a bounded body read in bounded time, one answer
// per request, and a close that lets the requests in flight finish. Every
// refusal at this level (404, 405, 413, 415, 408, 400) is logged like a CMP
// event: a client that never reaches CMP is what one most needs to see.

import { UkeyError } from '../errors.js'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export const PKIXCMP = 'application/pkixcmp'
/** The one path served: the profile's renewal URL and OpenSSL's `-path pkix/`. */
export const CMP_PATH = '/pkix/'
/** A kur with a certificate chain is a few KiB. */
export const MAX_REQUEST_BYTES = 64 * 1024
/** How much of a refused request is read and dropped before the connection is cut. */
const MAX_DRAIN_BYTES = 1024 * 1024

export interface HttpRefusal {
  status: number
  method: string
  /** The request target as sent, made printable and cut to 80 characters (it is the client's text). */
  path: string
  reason: string
}

export interface CmpHttpOptions {
  host: string
  port: number
  /** One call per request refused before CMP. */
  onRefusal?: (r: HttpRefusal) => void
  /** The whole request (headers and body) must arrive within this; default 15 s. */
  requestTimeoutMs?: number
}

export interface CmpHttpServer {
  url: string
  host: string
  port: number
  /** Stops accepting, waits for the requests in flight (at most `graceMs`, default 5 s), then closes. */
  close(graceMs?: number): Promise<void>
}

/** Control characters and anything outside printable ASCII shown as \xNN: a path is untrusted text bound for a terminal. */
export function printable(text: string, max = 80): string {
  const shown = text.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
  return shown.length > max ? `${shown.slice(0, max)}…` : shown
}

function plain(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close', ...headers })
  res.end(text + '\n')
}

/** The path part of the request target, without query; '' when it cannot be read. */
function pathOf(url: string | undefined): string {
  if (!url) return ''
  const q = url.indexOf('?')
  return q < 0 ? url : url.slice(0, q)
}

export function listenCmp(handle: (der: Buffer) => Promise<Buffer>, o: CmpHttpOptions): Promise<CmpHttpServer> {
  const { host, port } = o
  const refused = (req: IncomingMessage, status: number, reason: string): void =>
    o.onRefusal?.({ status, method: printable(req.method ?? '?', 16), path: printable(req.url ?? ''), reason })
  // The request a connection is carrying, for a refusal Node raises on the socket (408) rather than the request.
  const carrying = new WeakMap<Socket, IncomingMessage>()
  const answeredRaw = new WeakSet<Socket>()

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    carrying.set(req.socket, req)
    const refuse = (status: number, reason: string, headers: Record<string, string> = {}): void => {
      req.resume()
      refused(req, status, reason)
      plain(res, status, reason, headers)
    }
    // Only the CMP path: `/../../etc/passwd` or `/` is not a CMP endpoint and gets no CMP answer.
    if (pathOf(req.url) !== CMP_PATH && pathOf(req.url) !== CMP_PATH.slice(0, -1)) return refuse(404, `not found: CMP is served at ${CMP_PATH} only`)
    if (req.method !== 'POST') return refuse(405, 'CMP over HTTP: POST only', { Allow: 'POST' })
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
    if (type !== PKIXCMP) return refuse(415, `Content-Type must be ${PKIXCMP}`)
    const chunks: Buffer[] = []
    let size = 0
    let tooLargeSent = false
    const tooLarge = (): void => {
      tooLargeSent = true
      chunks.length = 0
      refused(req, 413, `request larger than ${MAX_REQUEST_BYTES} bytes`)
      plain(res, 413, `request larger than ${MAX_REQUEST_BYTES} bytes`)
    }
    if (Number(req.headers['content-length'] ?? '0') > MAX_REQUEST_BYTES) tooLarge()
    req.on('data', (c: Buffer) => {
      size += c.length
      // After a 413 the rest is read and dropped (closing with unread data would reset the
      // connection, and the client might never see the 413), up to a bound.
      if (tooLargeSent) {
        if (size > MAX_DRAIN_BYTES) req.destroy()
        return
      }
      if (size > MAX_REQUEST_BYTES) tooLarge()
      else chunks.push(c)
    })
    req.on('error', () => undefined)
    req.on('end', () => {
      if (tooLargeSent) return
      handle(Buffer.concat(chunks)).then(
        (answer) => {
          res.writeHead(200, { 'Content-Type': PKIXCMP, 'Content-Length': String(answer.length), 'Cache-Control': 'no-cache', Connection: 'close' })
          res.end(answer)
        },
        () => plain(res, 500, 'internal error'),
      )
    })
  })
  server.requestTimeout = o.requestTimeoutMs ?? 15_000
  server.headersTimeout = Math.min(10_000, server.requestTimeout)
  // Node checks the timeouts on this period (default 30 s): a fraction of the timeout keeps 408 timely.
  ;(server as { connectionsCheckingInterval?: number }).connectionsCheckingInterval = Math.max(50, Math.min(1_000, server.requestTimeout / 4))
  server.keepAliveTimeout = 1_000
  // Errors before a request reaches the handler: a slow client (408) or bytes that are not HTTP (400).
  // With this listener Node leaves the answer to us, so it can be logged like the others.
  server.on('clientError', (e: NodeJS.ErrnoException, socket: Socket) => {
    // A client that hung up, or a connection already answered here: nobody to answer, nothing refused.
    if (answeredRaw.has(socket) || !socket.writable || e.code === 'ECONNRESET') {
      socket.destroy()
      return
    }
    const timeout = e.code === 'ERR_HTTP_REQUEST_TIMEOUT'
    const status = timeout ? 408 : e.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400
    const reason = timeout ? 'request not received in time' : `not an HTTP request (${e.code ?? 'parse error'})`
    const req = carrying.get(socket)
    if (req) refused(req, status, reason)
    else o.onRefusal?.({ status, method: '-', path: '-', reason })
    answeredRaw.add(socket)
    socket.end(`HTTP/1.1 ${status} ${timeout ? 'Request Timeout' : 'Bad Request'}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${reason}\n`)
  })
  return new Promise((resolve, reject) => {
    const failed = (e: NodeJS.ErrnoException): void =>
      reject(e.code === 'EADDRINUSE' ? new UkeyError('LAB_PORT_IN_USE', { params: { port } }) : e)
    server.once('error', failed)
    server.listen(port, host, () => {
      server.off('error', failed)
      const addr = server.address() as AddressInfo
      const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address
      resolve({
        url: `http://${shown}:${addr.port}${CMP_PATH}`,
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
