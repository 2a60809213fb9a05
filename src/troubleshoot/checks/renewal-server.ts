import { Socket } from 'node:net'
import { UkeyError } from '../../errors.js'
import { proxyFor, type ProxyChoice } from '../../renewal/proxy.js'
import type { CheckResult } from '../types.js'
import { msg, unknown, type Check } from './check.js'

const TIMEOUT_MS = 3000

export function tcpConnect(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = new Socket()
    const done = (e?: Error): void => {
      s.destroy()
      if (e) reject(e)
      else resolve()
    }
    s.setTimeout(timeoutMs, () => done(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })))
    s.once('error', done)
    s.connect(port, host, () => done())
  })
}

/**
 * The bank's renewal server answers on its port (profile renewal.url). A TCP
 * connection only: no request is sent, nothing is asked of the bank. Part of
 * the health check: a customer who saw 0116 or 403.7 has reached the server.
 * Behind a proxy (HTTPS_PROXY…, the profile's renewal.proxy) the proxy is
 * asked instead, as the renewal will be: a branch PC cannot reach the bank
 * directly, and a proxy that refuses is the finding.
 */
export const renewalServer: Check = async (probes) => {
  const renewal = probes.world.profile.renewal
  if (!renewal) return unknown(msg('diagnose.ev.noRenewalServer'))
  let url: URL
  try {
    url = new URL(renewal.url)
  } catch {
    return unknown(msg('diagnose.ev.noRenewalServer'))
  }
  let proxy
  try {
    proxy = proxyFor(url, { configured: renewal.proxy })
  } catch (e) {
    return unknown(msg('diagnose.ev.proxyInvalid', { detail: e instanceof UkeyError ? String(e.params['detail']) : String(e) }))
  }
  if (proxy) return throughProxy(renewal.url, url, proxy)
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80))
  const host = url.hostname.replace(/^\[|\]$/g, '')
  try {
    await (probes.world.connect ?? tcpConnect)(host, port, TIMEOUT_MS)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'ERROR'
    return { outcome: 'fail', evidence: [msg('diagnose.ev.serverUnreachable', { url: renewal.url, code })], data: { url: renewal.url, error: code }, remedy: msg('diagnose.fix.serverUnreachable') }
  }
  return { outcome: 'pass', evidence: [msg('diagnose.ev.serverReachable', { url: renewal.url })], data: { url: renewal.url } }
}

async function throughProxy(shown: string, url: URL, proxy: ProxyChoice): Promise<CheckResult> {
  const { reachThroughProxy } = await import('../../renewal/proxy-reach.js')
  const r = await reachThroughProxy(proxy, url, TIMEOUT_MS)
  const data = { url: shown, proxy: proxy.display }
  switch (r.outcome) {
    case 'reachable':
      return { outcome: 'pass', evidence: [msg('diagnose.ev.serverReachableViaProxy', data)], data }
    case 'refused':
      return { outcome: 'fail', evidence: [msg('diagnose.ev.proxyRefused', { ...data, status: r.status })], data: { ...data, error: r.status }, remedy: msg('diagnose.fix.proxy') }
    case 'server-unreachable':
      return { outcome: 'fail', evidence: [msg('diagnose.ev.serverUnreachableViaProxy', { ...data, status: r.status })], data: { ...data, error: r.status }, remedy: msg('diagnose.fix.serverUnreachable') }
    case 'proxy-unreachable':
      return { outcome: 'fail', evidence: [msg('diagnose.ev.proxyUnreachable', { ...data, code: r.code })], data: { ...data, error: r.code }, remedy: msg('diagnose.fix.proxy') }
  }
}
