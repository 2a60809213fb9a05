import { readFileSync } from 'node:fs'
import { decodeCertificates } from '../cert/decode.js'
import { UkeyError } from '../errors.js'
import type { BankProfile } from '../profile/types.js'

export interface RenewalServer {
  url: string
  /** The bank CA certificates (DER): CMP answers and new certificates must chain to them. */
  trusted: Buffer[]
  /** For HTTPS: the CA certificates the server's TLS certificate must chain to (default: the system's). */
  tlsCa: Buffer[]
}

function readCertificates(file: string): Buffer[] {
  let buf: Buffer
  try {
    buf = readFileSync(file)
  } catch (e) {
    throw new UkeyError('INPUT_UNREADABLE', { params: { source: file, detail: (e as NodeJS.ErrnoException).code ?? 'error' }, cause: e })
  }
  const decoded = decodeCertificates(buf, file)
  if (decoded === 'pkcs12') throw new UkeyError('NOT_A_CERTIFICATE', { params: { source: file } })
  return decoded.certificates.map((c) => Buffer.from(c.der))
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
    trusted: profile.renewal.caCerts.flatMap(readCertificates),
    tlsCa: profile.renewal.tlsCaCerts.flatMap(readCertificates),
  }
}
