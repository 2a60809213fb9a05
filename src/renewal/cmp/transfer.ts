// CMP over HTTP (RFC 6712): one POST per message, application/pkixcmp both
// ways, the answer in the 200 response body. Bounded in time and size, no
// redirects (RFC 6712 3.6 leaves them to policy: a renewal request carrying
// the customer's signature goes only where the bank profile says), TLS always
// verified, against the profile's CA certificates when given.

import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http'
import { request as httpsRequest } from 'node:https'
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
}

const DEFAULTS = { connectTimeoutMs: 10_000, timeoutMs: 30_000, maxResponseBytes: 256 * 1024 }

function toPem(c: string | Buffer): string {
  if (typeof c === 'string') return c
  if (c.subarray(0, 11).toString('latin1') === '-----BEGIN ') return c.toString('latin1')
  const b64 = c.toString('base64').replace(/.{1,64}/g, '$&\n')
  return `-----BEGIN CERTIFICATE-----\n${b64}-----END CERTIFICATE-----\n`
}

/** POSTs one PKIMessage and returns the response body (a PKIMessage, not yet read or verified). */
export function postPkiMessage(url: string | URL, message: Buffer, options: TransferOptions = {}): Promise<Buffer> {
  const target = typeof url === 'string' ? new URL(url) : url
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs
  const maxBytes = options.maxResponseBytes ?? DEFAULTS.maxResponseBytes
  const secure = target.protocol === 'https:'
  if (!secure && target.protocol !== 'http:') return Promise.reject(new CmpError('transport', `unsupported URL scheme ${target.protocol}`))

  const reqOptions: RequestOptions & { ca?: string[] } = {
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

  return new Promise<Buffer>((resolve, reject) => {
    let settled = false
    const timers: NodeJS.Timeout[] = []
    const finish = (err: CmpError | undefined, body?: Buffer): void => {
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

    req.on('socket', (socket) => {
      if (!socket.connecting) return
      const t = setTimeout(() => finish(new CmpError('timeout', `no connection within ${connectTimeoutMs} ms`)), connectTimeoutMs)
      timers.push(t)
      socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(t))
    })
    req.on('error', (e: NodeJS.ErrnoException) => {
      // TLS verification failures arrive here with their OpenSSL code (e.g. UNABLE_TO_VERIFY_LEAF_SIGNATURE).
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
