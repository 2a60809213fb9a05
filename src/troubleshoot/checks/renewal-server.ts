import { isUkeyError } from '../../errors.js'
import { probeServer } from '../../renewal/probe.js'
import { proxyFor } from '../../renewal/proxy.js'
import { renewalServer as serverOf, type RenewalServer } from '../../renewal/trust.js'
import { msg, unknown, type Check } from './check.js'
import { tokenCertificate } from './token-certificate.js'

/**
 * The bank's renewal server answers, and it is the bank's: the renewal's own
 * probe (renewal/probe.ts, what `renew --dry-run` asks) — a poll for a
 * transaction that does not exist, signed by a throwaway key: no PIN, nothing
 * changes at the bank, and the answer's signature must chain to the profile's
 * CA. Part of the health check: a customer who saw 0116 or 403.7 has reached the server.
 * Behind a proxy (HTTPS_PROXY…, the profile's renewal.proxy) the probe goes through it, as
 * the renewal will: a branch PC cannot reach the bank directly, and a proxy that refuses
 * is the finding.
 */
export const renewalServer: Check = async (probes) => {
  const { profile } = probes.world
  if (!profile.renewal) return unknown(msg('diagnose.ev.noRenewalServer'))
  let server: RenewalServer
  try {
    server = serverOf(profile)
  } catch (e) {
    if (!isUkeyError(e)) throw e
    // No CA to check the answer against, or a URL that is not one: nothing to ask.
    if (e.code === 'RENEWAL_NOT_CONFIGURED' || e.code === 'USAGE') return unknown(msg('diagnose.ev.noRenewalServer'))
    return unknown(msg(e.key, e.params))
  }
  // The request names the customer's certificate as its sender, as a renewal would.
  const cert = await tokenCertificate(probes)
  if (!cert) return unknown(msg('diagnose.ev.noCertToAssess'))
  const configured = profile.renewal.proxy
  const probe = await (probes.world.probeServer ?? probeServer)(server, Buffer.from(cert.summary.der), configured ? { proxy: configured } : {})
  // Which proxy the probe went through (its address only, never credentials): part of the evidence.
  const via = proxyFor(new URL(server.url), configured ? { configured } : {})
  const data = { url: server.url, reachable: probe.reachable, trusted: probe.trusted, ...(via ? { proxy: via.display } : {}) }
  if (!probe.reachable) {
    return { outcome: 'fail', evidence: [msg('diagnose.ev.serverUnreachable', { url: server.url, code: probe.detail })], data, remedy: msg(probe.proxy ? 'diagnose.fix.proxy' : 'diagnose.fix.serverUnreachable') }
  }
  if (!probe.trusted) {
    return { outcome: 'fail', evidence: [msg('diagnose.ev.serverUntrusted', { url: server.url, detail: probe.detail })], data, remedy: msg('diagnose.fix.serverUntrusted') }
  }
  return { outcome: 'pass', evidence: [msg('diagnose.ev.serverReachable', { url: server.url })], data }
}

