import type { Probes, TokenCertificateView } from '../probes.js'

/** The certificate on the key, for checks that only read it (no PIN asked for: null when none is visible). */
export async function tokenCertificate(probes: Probes): Promise<TokenCertificateView | null> {
  const t = await probes.token()
  if ('error' in t) return null
  return probes.certificate()
}
