// CMP over HTTP (RFC 6712): one POST per message, application/pkixcmp both
// ways, the answer in the 200 response body. Bounded in time and size, no
// redirects (RFC 6712 3.6 leaves them to policy: a renewal request carrying
// the customer's signature goes only where the bank profile says), TLS always
// verified, against the profile's CA certificates when given. Through a proxy
// when one applies (../proxy.ts): a proxy that refuses or cannot be reached is
// its own error, so the customer asks the network administrator, not the bank.

import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { Duplex } from 'node:stream'
import { checkServerIdentity, type PeerCertificate } from 'node:tls'
import { UkeyError } from '../../errors.js'
import { proxyAnswered, proxyFor, type ProxyChoice, type ProxyEnv } from '../proxy.js'
import { CmpError } from './errors.js'

export const PKIXCMP = 'application/pkixcmp'

export interface TransferOptions {
  /** TCP (and TLS) connection set-up; default 10 s. */
  connectTimeoutMs?: number
  /** The whole exchange, connect to last byte; default 30 s. */
  timeoutMs?: number
  /** Largest response body accepted; default 256 KiB (a kup with a chain is a few KiB). */
  maxResponseBytes?: number
  /** CA certificates (PEM or DER) that the HTTPS server's certificate must chain to; default: the system's. */
  ca?: Array<string | Buffer>
  signal?: AbortSignal
  /** The bank profile's renewal.proxy; NO_PROXY still applies (../proxy.ts). */
  proxy?: string
  /** Where HTTPS_PROXY, HTTP_PROXY and NO_PROXY are read; default: the process environment. */
  env?: ProxyEnv
  /**
   * The connection, in place of the network and of any proxy: the rehearsal's answering
   * stream (answering-stream.ts). Never set for an exchange with a server.
   */
  connection?: () => Duplex
}

const DEFAULTS = { connectTimeoutMs: 10_000, timeoutMs: 30_000, maxResponseBytes: 256 * 1024 }

function toPem(c: string | Buffer): string {
  if (typeof c === 'string') return c
  if (c.subarray(0, 11).toString('latin1') === '-----BEGIN ') return c.toString('latin1')
  const b64 = c.toString('base64').replace(/.{1,64}/g, '$&\n')
  return `-----BEGIN CERTIFICATE-----\n${b64}-----END CERTIFICATE-----\n`
}

// What a connection that never reached its peer fails with: through a proxy, that peer is the proxy.
const NO_CONNECTION = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT'])

const proxyUnreachable = (proxy: ProxyChoice, detail: string, cause?: unknown): UkeyError =>
  new UkeyError('RENEWAL_PROXY_UNREACHABLE', { params: { proxy: proxy.display, detail }, actions: ['action.checkProxy'], cause })

/** POSTs one PKIMessage and returns the response body (a PKIMessage, not yet read or verified). */
export async function postPkiMessage(url: string | URL, message: Buffer, options: TransferOptions = {}): Promise<Buffer> {
  const target = typeof url === 'string' ? new URL(url) : url
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs
  const maxBytes = options.maxResponseBytes ?? DEFAULTS.maxResponseBytes
  const secure = target.protocol === 'https:'
  if (!secure && target.protocol !== 'http:') throw new CmpError('transport', `unsupported URL scheme ${target.protocol}`)
  const proxy = options.connection ? undefined : proxyFor(target, { configured: options.proxy, ...(options.env ? { env: options.env } : {}) })

  const reqOptions: RequestOptions & { ca?: string[]; checkServerIdentity?: (host: string, cert: PeerCertificate) => Error | undefined } = {
    method: 'POST',
    // A fresh connection per message: CMP servers (OpenSSL's among them) answer one request per connection.
    agent: false,
    headers: {
      'Content-Type': PKIXCMP,
      'Content-Length': String(message.length),
      Accept: PKIXCMP,
      Connection: 'close',
      'Cache-Control': 'no-cache',
    },
  }
  if (secure && options.ca) reqOptions.ca = options.ca.map(toPem)
  if (options.connection) {
    // Node takes createConnection only without an agent (`agent: false` makes one).
    delete reqOptions.agent
    reqOptions.createConnection = options.connection
  }
  if (proxy) {
    const { proxyAgent } = await import('../proxy-agent.js')
    reqOptions.agent = await proxyAgent(proxy, secure)
    // https-proxy-agent drops `host` when it starts TLS in the tunnel, and for an IP
    // address (no SNI name) Node then checks the certificate against "localhost":
    // name the URL's host explicitly.
    if (secure) reqOptions.checkServerIdentity = (_host, cert) => checkServerIdentity(target.hostname.replace(/^\[|\]$/g, ''), cert)
  }
  // The CONNECT tunnel's own status (https through a proxy): not 200 is the proxy's refusal.
  let connectStatus: number | undefined

  return new Promise<Buffer>((resolve, reject) => {
    let settled = false
    const timers: NodeJS.Timeout[] = []
    const finish = (err: CmpError | UkeyError | undefined, body?: Buffer): void => {
      if (settled) return
      settled = true
      for (const t of timers) clearTimeout(t)
      options.signal?.removeEventListener('abort', onAbort)
      if (err) {
        req.destroy()
        reject(err)
      } else resolve(body!)
    }
    const onAbort = (): void => finish(new CmpError('timeout', 'aborted'))

    const req = (secure ? httpsRequest : httpRequest)(target, reqOptions, (res: IncomingMessage) => {
      const status = res.statusCode ?? 0
      if (status !== 200 && proxy && proxyAnswered(status, res.headers, connectStatus)) {
        res.resume()
        const answer = `HTTP ${status} ${res.statusMessage ?? ''}`.trim()
        // 4xx: access denied, filtered, port not allowed, authentication. 5xx: the proxy could not reach the bank.
        if (status < 500) return finish(new UkeyError('RENEWAL_PROXY_REFUSED', { params: { proxy: proxy.display, status: answer }, actions: ['action.checkProxy'] }))
        return finish(new CmpError('http-status', `${answer} from the proxy ${proxy.display}`))
      }
      if (status !== 200) {
        res.resume()
        const where = status >= 300 && status < 400 ? ' (redirects are not followed)' : ''
        return finish(new CmpError('http-status', `HTTP ${status}${where}`))
      }
      const type = (res.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
      if (type !== PKIXCMP) {
        res.resume()
        return finish(new CmpError('content-type', `Content-Type ${type || '(none)'}`))
      }
      const declared = Number(res.headers['content-length'] ?? NaN)
      if (declared > maxBytes) {
        finish(new CmpError('response-too-large', `${declared} bytes declared, limit ${maxBytes}`))
        return res.destroy()
      }
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > maxBytes) {
          // Settle first: destroying the stream emits 'aborted' synchronously.
          finish(new CmpError('response-too-large', `more than ${maxBytes} bytes`))
          res.destroy()
        } else chunks.push(chunk)
      })
      res.on('end', () => {
        if (Number.isFinite(declared) && size !== declared) return finish(new CmpError('transport', `response ended after ${size} of ${declared} bytes`))
        finish(undefined, Buffer.concat(chunks))
      })
      res.on('error', (e: NodeJS.ErrnoException) => finish(new CmpError('transport', e.code ?? 'response error', { cause: e })))
      res.on('aborted', () => finish(new CmpError('transport', 'response aborted')))
    })

    req.on('proxyConnect', (res: { statusCode: number }) => {
      connectStatus = res.statusCode
    })
    req.on('socket', (socket) => {
      if (!socket.connecting) return
      const t = setTimeout(() => {
        const detail = `no connection within ${connectTimeoutMs} ms`
        finish(proxy ? proxyUnreachable(proxy, detail) : new CmpError('timeout', detail))
      }, connectTimeoutMs)
      timers.push(t)
      socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(t))
    })
    req.on('error', (e: NodeJS.ErrnoException) => {
      // TLS verification failures arrive here with their OpenSSL code (e.g. UNABLE_TO_VERIFY_LEAF_SIGNATURE).
      if (proxy && e.code && NO_CONNECTION.has(e.code)) return finish(proxyUnreachable(proxy, e.code, e))
      finish(new CmpError('transport', e.code ?? e.message, { cause: e }))
    })
    timers.push(setTimeout(() => finish(new CmpError('timeout', `no complete answer within ${timeoutMs} ms`)), timeoutMs))
    if (options.signal) {
      if (options.signal.aborted) return onAbort()
      options.signal.addEventListener('abort', onAbort, { once: true })
    }
    req.end(message)
  })
}
