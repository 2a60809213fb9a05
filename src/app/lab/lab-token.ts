import { readCertSummary, type CertSummary } from '../../cert/summary.js'
import { realProviderFactory } from '../../hardware/token-provider.js'
import { detect, openTokens } from '../../hardware/tokens.js'
import type { DetectedToken } from '../../hardware/tokens.js'
import type { LabState } from '../../lab/token-lab.js'
import type { BankProfile } from '../../profile/types.js'
import type { Io } from '../io.js'

export interface LabTokenView {
  /** The lab's token, when it is still there. */
  token: DetectedToken | undefined
  /** The certificate on it now (the renewed one after `ukey renew --lab`), with its CKA_ID. */
  certificate: { id: string; summary: CertSummary } | undefined
}

/**
 * The lab's token as the module sees it, and its certificate read off it: what
 * `lab init --json` and `lab status --json` name in the shared vocabulary, so a
 * script compares them with check-window and renew (docs/json.md).
 */
export async function readLabToken(state: LabState, profile: BankProfile, io: Io): Promise<LabTokenView> {
  io.applyEnvironment(profile.pkcs11.environment)
  const ctx = await openTokens(profile, realProviderFactory)
  try {
    const report = await detect(ctx)
    const token = report.tokens.find((d) => d.info.serial === state.token.serial)
    if (!token) return { token, certificate: undefined }
    const session = await ctx.provider.open(token.info)
    try {
      // SoftHSM2 shows certificates without a login. After a renewal the lab's first id is gone: the one left is the renewed one.
      const certs = await session.listCertificates()
      const c = certs.find((x) => x.id === state.certificate.id) ?? certs[0]
      return { token, certificate: c ? { id: c.id, summary: readCertSummary(c.der) } : undefined }
    } finally {
      await session.close().catch(() => undefined)
    }
  } finally {
    await ctx.provider.close()
  }
}
