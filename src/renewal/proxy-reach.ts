import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { proxyAnswered, type ProxyChoice } from './proxy.js'

export type ProxyReach =
  /** The proxy connected to the server (CONNECT 200) or forwarded its answer. */
  | { outcome: 'reachable' }
  /** The proxy answered itself with a 4xx: access denied, filtered, port not allowed, authentication. */
  | { outcome: 'refused'; status: string }
  /** The proxy answered itself with a 5xx: it could not reach the server. */
  | { outcome: 'server-unreachable'; status: string }
  /** No answer from the proxy: its port is closed, its name unknown, or it timed out. */
  | { outcome: 'proxy-unreachable'; code: string }

/**
 * The health check's question "does the renewal server answer?" asked of the
 * proxy, since a branch PC cannot open the TCP connection itself: CONNECT
 * host:port for an https URL (what the renewal's tunnel does; nothing reaches
 * the bank but a TCP connection), HEAD for an http URL (forwarded as the
 * renewal's POST would be, with no body).
 */
export function reachThroughProxy(proxy: ProxyChoice, target: URL, timeoutMs: number): Promise<ProxyReach> {
  const secureTarget = target.protocol === 'https:'
  const port = target.port || (secureTarget ? '443' : '80')
  const authority = `${target.hostname}:${port}`
  const headers: Record<string, string> = { Host: secureTarget ? authority : target.host, Connection: 'close' }
  if (proxy.url.username || proxy.url.password) {
    const auth = `${decodeURIComponent(proxy.url.username)}:${decodeURIComponent(proxy.url.password)}`
    headers['Proxy-Authorization'] = `Basic ${Buffer.from(auth).toString('base64')}`
  }
  return new Promise((resolve) => {
    // Called only from events and the timer, after `req` and `timer` exist.
    const done = (r: ProxyReach): void => {
      clearTimeout(timer)
      req.destroy()
      resolve(r)
    }
    const judge = (res: IncomingMessage, connectStatus?: number): void => {
      res.resume()
      const status = `${res.statusCode ?? 0} ${res.statusMessage ?? ''}`.trim()
      const code = res.statusCode ?? 0
      if (!proxyAnswered(code, res.headers, connectStatus) || code < 400) return done({ outcome: 'reachable' })
      done(code < 500 ? { outcome: 'refused', status } : { outcome: 'server-unreachable', status })
    }
    const req: ClientRequest = (proxy.url.protocol === 'https:' ? httpsRequest : httpRequest)({
      host: proxy.url.hostname.replace(/^\[|\]$/g, ''),
      port: proxy.url.port || (proxy.url.protocol === 'https:' ? 443 : 80),
      method: secureTarget ? 'CONNECT' : 'HEAD',
      path: secureTarget ? authority : target.href,
      headers,
      agent: false,
    })
    req.on('connect', (res: IncomingMessage) => judge(res, res.statusCode))
    req.on('response', (res: IncomingMessage) => judge(res))
    req.on('error', (e: NodeJS.ErrnoException) => done({ outcome: 'proxy-unreachable', code: e.code ?? 'ERROR' }))
    const timer = setTimeout(() => done({ outcome: 'proxy-unreachable', code: 'ETIMEDOUT' }), timeoutMs)
    req.end()
  })
}
