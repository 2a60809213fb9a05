import { UkeyError } from '../errors.js'
import { readCertificateFile } from '../hardware/soft-store/read-certificates.js'
import type { BankProfile } from '../profile/types.js'

export interface RenewalServer {
  url: string
  /** The bank CA certificates (DER): CMP answers and new certificates must chain to them. */
  trusted: Buffer[]
  /** For HTTPS: the CA certificates the server's TLS certificate must chain to (default: the system's). */
  tlsCa: Buffer[]
}

/** The profile's renewal server and its trust anchors; `url` overrides the profile's (a test server, a bank's standby). */
export function renewalServer(profile: BankProfile, url?: string): RenewalServer {
  if (!profile.renewal || profile.renewal.caCerts.length === 0) {
    throw new UkeyError('RENEWAL_NOT_CONFIGURED', { params: { profile: profile.source } })
  }
  let target = url ?? profile.renewal.url
  try {
    const u = new URL(target)
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(u.protocol)
    target = u.toString()
  } catch {
    throw new UkeyError('USAGE', { key: 'usage.badUrl', params: { url: target, detail: target } })
  }
  return {
    url: target,
    trusted: profile.renewal.caCerts.flatMap(readCertificateFile),
    tlsCa: profile.renewal.tlsCaCerts.flatMap(readCertificateFile),
  }
}
