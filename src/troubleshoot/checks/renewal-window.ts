import { WINDOW_STATES, type WindowState } from '../../cert/window.js'
import type { Message, Verdict } from '../types.js'
import { msg, unknown, type Check } from './check.js'
import { checkedCertificate, tokenCertificate } from './token-certificate.js'

/**
 * FAQ 4–6, 12.1: where the certificate stands against the renewal window, and
 * which side of it. The step says which states pass for its code (0116: the
 * renewable ones; 403.7: any in which the certificate still authenticates).
 */
export const renewalWindow: Check = async (probes, options) => {
  const cert = await tokenCertificate(probes)
  if (!cert) return unknown(msg('diagnose.ev.noCertToAssess'))
  const policy = probes.world.profile.window
  // Assessed once, where the certificate was read (probes.ts): --json's certificate.window is this one.
  const w = cert.window
  const accept: readonly WindowState[] = options.acceptStates ?? WINDOW_STATES
  const params = {
    state: w.state,
    notAfter: cert.summary.notAfter.toISOString().slice(0, 10),
    opens: w.opens.toISOString().slice(0, 10),
    closes: w.closes.toISOString().slice(0, 10),
    days: Math.abs(w.daysLeft),
    untilOpen: w.daysUntilOpen ?? 0,
    grace: policy.graceAfterDays,
    notBefore: cert.summary.notBefore.toISOString().slice(0, 10),
  }
  const evidence: Message[] = [msg(`diagnose.ev.window.${w.state}`, params)]
  // The state, dates and day counts are the certificate object's `window` (cert/window.ts, rounded towards zero):
  // diagnose and check-window never disagree by a day.
  const certificate = checkedCertificate(cert)
  if (accept.includes(w.state)) return { outcome: 'pass', evidence, certificate }
  const verdict: Verdict = 'action'
  return { outcome: 'fail', evidence, certificate, remedy: msg(`diagnose.fix.window.${w.state}`, params), verdict }
}
