import { Socket } from 'node:net'
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
