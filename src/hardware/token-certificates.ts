import { derProblem } from '../cert/decode.js'
import { readCertSummary } from '../cert/summary.js'
import { UkeyError } from '../errors.js'
import type { TokenInfo, TokenSelector } from './pkcs11/types.js'
import type { CertificateEvent } from '../cert/events.js'
import { loginSafely, selectToken, type PinSource, type TokenContext } from './tokens.js'

export interface TokenReadOptions {
  /** A selector picks one key; without one, every plugged key is read. */
  selector: TokenSelector
  pin: PinSource
  force?: boolean
  /** Log in first: private objects become visible, so each certificate's key can be checked. */
  login?: boolean
}

/** "token:2100000012345678": how a certificate on a key is named in every output. */
export function tokenSource(t: TokenInfo): string {
  return `token:${t.serial}`
}

/**
 * The certificates on the plugged keys, as the same events files give. Read
 * without a PIN where the token shows them; a token that hides them until login
 * gets the PIN (with the final-try guard). A key without a certificate is an
 * input error, reported like a bad file.
 */
export async function* readTokenCertificates(ctx: TokenContext, opts: TokenReadOptions): AsyncGenerator<CertificateEvent[]> {
  const { tokens, moduleErrors } = await ctx.provider.listTokens()
  const events: CertificateEvent[] = moduleErrors.map((m) => ({ type: 'error', source: m.path, error: m.error }))
  let chosen: TokenInfo[]
  try {
    chosen = opts.selector.serial || opts.selector.label ? [selectToken(tokens, opts.selector)] : tokens
    if (chosen.length === 0) throw new UkeyError('TOKEN_NOT_FOUND', { params: { detail: '' } })
    // One PIN for two customers' keys would count a wrong try on the other key: logging in
    // needs exactly one key, chosen by the technician.
    if (opts.login && chosen.length > 1) selectToken(chosen, {})
  } catch (e) {
    events.push({ type: 'error', source: 'token', error: e as UkeyError })
    yield events
    return
  }
  for (const info of chosen) {
    const source = tokenSource(info)
    try {
      const session = await ctx.provider.open(info)
      try {
        let loggedIn = false
        if (opts.login && info.loginRequired) {
          await loginSafely(session, opts.pin, { force: opts.force })
          loggedIn = true
        }
        let certs = await session.listCertificates()
        if (certs.length === 0 && info.loginRequired && !loggedIn && chosen.length === 1) {
          // Some keys show their certificates only after login. Without a PIN to give, the
          // key shows none: that is the finding, not a missing PIN.
          try {
            await loginSafely(session, opts.pin, { force: opts.force })
            certs = await session.listCertificates()
          } catch (e) {
            if (!(e instanceof UkeyError && e.code === 'PIN_REQUIRED')) throw e
          }
        }
        if (certs.length === 0) throw new UkeyError('TOKEN_NO_CERTIFICATE', { params: { serial: info.serial } })
        certs.forEach((c, i) => {
          try {
            events.push({ type: 'certificate', source, index: i + 1, format: 'token', cert: readCertSummary(c.der) })
          } catch (e) {
            events.push({ type: 'error', source, error: derProblem(e, source) })
            return
          }
          // A certificate whose key is gone cannot sign in or renew (FAQ 13: 403.7).
          if (c.hasPrivateKey === false) events.push({ type: 'error', source, error: new UkeyError('CERT_WITHOUT_KEY', { params: { id: c.id } }) })
        })
      } finally {
        await session.close().catch(() => undefined)
      }
    } catch (e) {
      events.push({ type: 'error', source, error: e instanceof UkeyError ? e : derProblem(e, source) })
    }
  }
  yield events
}
