import { readCertSummary, type CertSummary } from '../cert/summary.js'
import { assessWindow, type WindowAssessment } from '../cert/window.js'
import { UkeyError, isUkeyError } from '../errors.js'
import { physicalView, type PhysicalKey, type PhysicalView } from '../hardware/physical-keys.js'
import { detect, loginSafely, openTokens, selectToken, type DetectReport, type TokenContext } from '../hardware/tokens.js'
import type { PinState, TokenCertificate, TokenInfo, TokenSession } from '../hardware/pkcs11/types.js'
import type { MessageKey } from '../i18n/index.js'
import type { UsbListing } from '../hardware/usb/index.js'
import type { DiagnoseWorld } from './world.js'

export interface TokenCertificateView {
  token: TokenCertificate
  summary: CertSummary
  /**
   * The renewal window at the walk's clock, assessed here once (cert/window.ts):
   * the window check and every certificate object --json writes read this one.
   */
  window: WindowAssessment
}

/** The wrong-PIN evidence by the PIN state the module reports after it (CKF_USER_PIN_COUNT_LOW / FINAL_TRY). */
const WRONG_PIN: Partial<Record<PinState, MessageKey>> = {
  'count-low': 'diagnose.ev.pinWrongCountLow',
  'final-try': 'diagnose.ev.pinWrongFinalTry',
}

export type LoginState = 'logged-in' | 'not-needed' | 'no-pin'

/**
 * The probes the checks share, each made once per run (one USB listing, one
 * token listing, one session, one login): a walk of twenty steps asks the key
 * for its PIN once and lists its objects once.
 */
export class Probes {
  private usbP?: Promise<{ listing: UsbListing; listed: boolean }>
  private tokensP?: Promise<{ ctx: TokenContext | null; report: DetectReport }>
  private sessionP?: Promise<TokenSession>
  private loginP?: Promise<LoginState>
  private certsP?: Promise<TokenCertificate[]>

  constructor(readonly world: DiagnoseWorld) {}

  usb(): Promise<{ listing: UsbListing; listed: boolean }> {
    this.usbP ??= (async () => {
      if (!this.world.listUsb) return { listing: { keys: [], errors: [] }, listed: false }
      try {
        return { listing: await this.world.listUsb(), listed: true }
      } catch {
        return { listing: { keys: [], errors: [] }, listed: false }
      }
    })()
    return this.usbP
  }

  /** Modules and tokens; no module at all is a finding, not a failure. */
  tokens(): Promise<{ ctx: TokenContext | null; report: DetectReport }> {
    this.tokensP ??= (async () => {
      try {
        const ctx = await openTokens(this.world.profile, this.world.providerFactory, { module: this.world.module })
        // The printed number is weighed by the vendor check alone: given to detect, it would
        // become each token's vendor and unpair a key from its own token.
        return { ctx, report: await detect(ctx) }
      } catch (e) {
        if (!(isUkeyError(e) && e.code === 'PKCS11_NO_MODULE')) throw e
        return { ctx: null, report: { modules: [], tokens: [], printed: null, verdict: 'no-module' } }
      }
    })()
    return this.tokensP
  }

  /** Both views of the key (the USB bus and PKCS#11), paired as `detect` pairs them. */
  async view(): Promise<PhysicalView & { usbListed: boolean }> {
    const [{ listing, listed }, { report }] = await Promise.all([this.usb(), this.tokens()])
    return { ...physicalView(report, listing, this.world.profile.vendors, { all: false, usbListed: listed }), usbListed: listed }
  }

  /** Bank keys on the USB bus that no module sees: the key in question, when there is one. */
  async unseenUsbKeys(): Promise<PhysicalKey[]> {
    const v = await this.view()
    return v.keys.filter((k) => k.usb && k.usb.kind !== 'other' && k.usb.kind !== 'unknown-smart-card' && !k.token)
  }

  /** The one token the diagnosis is about, or why there is none. */
  async token(): Promise<{ token: TokenInfo } | { error: UkeyError }> {
    const { report } = await this.tokens()
    const infos = report.tokens.map((t) => t.info)
    if (infos.length === 0) return { error: new UkeyError('TOKEN_NOT_FOUND', { params: { detail: '' } }) }
    try {
      return { token: selectToken(infos, this.world.selector) }
    } catch (e) {
      if (isUkeyError(e)) return { error: e }
      throw e
    }
  }

  async session(): Promise<TokenSession> {
    this.sessionP ??= (async () => {
      const t = await this.token()
      if ('error' in t) throw t.error
      const { ctx } = await this.tokens()
      return ctx!.provider.open(t.token)
    })()
    return this.sessionP
  }

  /** Logs in once, safely (final try refused unless forced); `no-pin` when no PIN can be had. */
  async login(): Promise<LoginState> {
    this.loginP ??= (async () => {
      const s = await this.session()
      if (!s.token.loginRequired) return 'not-needed'
      try {
        await loginSafely(s, this.world.pin, { force: this.world.force })
        this.certsP = undefined // private objects are visible now
        return 'logged-in'
      } catch (e) {
        if (isUkeyError(e) && e.code === 'PIN_REQUIRED') return 'no-pin'
        // A wrong PIN (twice at the prompt, or the one from stdin): said with what the key reports now.
        if (isUkeyError(e) && e.code === 'PIN_INCORRECT') throw new UkeyError('PIN_INCORRECT', { key: WRONG_PIN[s.token.pin] ?? 'diagnose.ev.pinWrong', params: e.params, cause: e })
        throw e
      }
    })()
    return this.loginP
  }

  async certificates(): Promise<TokenCertificate[]> {
    this.certsP ??= this.session().then((s) => s.listCertificates())
    return this.certsP
  }

  /**
   * The customer's certificate: one whose private key is there if any says so,
   * else the one that expires last (an old one left beside a renewed one is not it).
   */
  async certificate(): Promise<TokenCertificateView | null> {
    const views: TokenCertificateView[] = []
    const at = this.world.now()
    for (const c of await this.certificates()) {
      try {
        const summary = readCertSummary(c.der)
        views.push({ token: c, summary, window: assessWindow(summary, at, this.world.profile.window) })
      } catch {
        // A damaged object is not the customer's certificate.
      }
    }
    views.sort((a, b) => rank(b) - rank(a) || b.summary.notAfter.getTime() - a.summary.notAfter.getTime())
    return views[0] ?? null
  }

  async close(): Promise<void> {
    if (this.sessionP) await this.sessionP.then((s) => s.close()).catch(() => undefined)
    if (this.tokensP) await this.tokensP.then((t) => t.ctx?.provider.close()).catch(() => undefined)
  }
}

function rank(v: TokenCertificateView): number {
  return v.token.hasPrivateKey === true ? 1 : 0
}
