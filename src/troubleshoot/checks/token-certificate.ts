import type { Probes, TokenCertificateView } from '../probes.js'
import type { CheckedCertificate } from '../types.js'

/** The certificate on the key, for checks that only read it (no PIN asked for: null when none is visible). */
export async function tokenCertificate(probes: Probes): Promise<TokenCertificateView | null> {
  const t = await probes.token()
  if ('error' in t) return null
  return probes.certificate()
}

/** The certificate a check names, for --json's certificate object (docs/json.md): its CKA_ID and its window as read. */
export function checkedCertificate(c: TokenCertificateView): CheckedCertificate {
  return { id: c.token.id, summary: c.summary, window: c.window }
}
