import { UkeyError, isUkeyError } from '../errors.js'
import { identifyVendor, versionAtLeast, type Vendor, type VendorVerdict } from '../profile/vendors.js'
import { discoverModules, type ModuleCandidate } from './pkcs11/discovery.js'
import { WithUnloadableModules } from './pkcs11/unloadable-modules.js'
import type { TokenInfo, TokenProvider, TokenSelector, TokenSession } from './pkcs11/types.js'
import type { BankProfile } from '../profile/types.js'

/** Builds the real provider for a list of module paths (injected: tests and the fake pass their own). */
export type ProviderFactory = (paths: string[]) => Promise<TokenProvider>

export interface TokenContext {
  profile: BankProfile
  modules: ModuleCandidate[]
  provider: TokenProvider
}

/**
 * Finds the modules and loads them. The profile's environment (the lab's
 * SOFTHSM2_CONF) must be in the process environment already: the command applies
 * it (Io.applyEnvironment), nothing below the commands writes the environment.
 */
export async function openTokens(profile: BankProfile, factory: ProviderFactory, opts: { module?: string } = {}): Promise<TokenContext> {
  const modules = discoverModules({ explicit: opts.module, profile })
  if (modules.length === 0) throw new UkeyError('PKCS11_NO_MODULE', { actions: ['action.installVendorTool'] })
  // A module discovery already knows cannot load here (its machine type) is reported, never loaded.
  const unloadable = modules.flatMap((m) => (m.problem ? [{ path: m.path, error: m.problem }] : []))
  const provider = await factory(modules.filter((m) => !m.problem).map((m) => m.path))
  return { profile, modules, provider: unloadable.length ? new WithUnloadableModules(provider, unloadable) : provider }
}

export interface DetectedToken {
  info: TokenInfo
  vendor: VendorVerdict
  /** The vendor's minimum module version is not met: FAQ 2, update the management tool. */
  moduleOutdated: boolean
  certificates: number | null
  keyPairs: number | null
}

export interface DetectReport {
  modules: Array<ModuleCandidate & { loaded: boolean; description?: string; manufacturer?: string; version?: string; error?: UkeyError }>
  tokens: DetectedToken[]
  printed: { number: string; vendor: Vendor | null } | null
  verdict: 'ok' | 'no-module' | 'no-token'
}

/** Every token every module can see, with its vendor and what it holds (no PIN needed). */
export async function detect(ctx: TokenContext, opts: { printed?: string } = {}): Promise<DetectReport> {
  const { tokens, moduleErrors } = await ctx.provider.listTokens()
  const vendors = ctx.profile.vendors
  const modules: DetectReport['modules'] = ctx.modules.map((m) => {
    const error = moduleErrors.find((e) => e.path === m.path)?.error
    const info = tokens.find((t) => t.module.path === m.path)?.module
    return { ...m, loaded: !error, ...(info ? { description: info.description, manufacturer: info.manufacturer, version: info.version } : {}), ...(error ? { error } : {}) }
  })
  const detected: DetectedToken[] = []
  for (const info of tokens) {
    const vendor = identifyVendor(vendors, { printed: opts.printed, tokenSerial: info.serial, manufacturer: info.manufacturer })
    const min = vendor.vendor?.minModuleVersion
    let certificates: number | null = null
    let keyPairs: number | null = null
    let session: TokenSession | undefined
    try {
      session = await ctx.provider.open(info)
      certificates = (await session.listCertificates()).length
      keyPairs = (await session.listKeyPairs()).length
    } catch {
      // A token that cannot be opened is still listed: the counts stay unknown.
    } finally {
      await session?.close().catch(() => undefined)
    }
    detected.push({ info, vendor, moduleOutdated: min ? !versionAtLeast(info.module.version, min) : false, certificates, keyPairs })
  }
  const printed = opts.printed ? { number: opts.printed, vendor: identifyVendor(vendors, { printed: opts.printed }).vendor } : null
  const anyLoaded = modules.some((m) => m.loaded)
  return { modules, tokens: detected, printed, verdict: detected.length ? 'ok' : anyLoaded ? 'no-token' : 'no-module' }
}

/** One token, unambiguously (yubikey-manager's rule): a selector, or exactly one plugged in. */
export function selectToken(tokens: TokenInfo[], selector: TokenSelector): TokenInfo {
  const matches = tokens.filter((t) => (!selector.serial || t.serial === selector.serial) && (!selector.label || t.label === selector.label))
  if (matches.length === 1) return matches[0]!
  if (matches.length === 0) {
    const what = [selector.serial && `serial ${selector.serial}`, selector.label && `label ${selector.label}`].filter(Boolean).join(', ')
    throw new UkeyError('TOKEN_NOT_FOUND', { params: { detail: what ? ` (${what})` : '' } })
  }
  throw new UkeyError('TOKEN_AMBIGUOUS', {
    params: { count: matches.length, list: matches.map((t) => `${t.serial} "${t.label}"`).join(', ') },
  })
}

/** What the PIN prompt is told on a second try: the first PIN was wrong, and what the key reports now. */
export interface PinRetry {
  /** The token's PIN state after the wrong PIN (count-low, final-try), as the module reports it. */
  state: TokenInfo['pin']
  /** Tries left when the module tells them (the fake and some vendors' modules do; SoftHSM2 does not). */
  tries?: number
}

/**
 * Where a PIN comes from: the command's prompt, stdin or variable. Undefined (or
 * empty: Enter at the prompt means "skip") when none is to be used. Called again
 * with `retry` after a wrong PIN: a source that cannot ask again (stdin, a
 * variable) answers undefined, and the wrong-PIN error stands.
 */
export interface PinSource {
  (token: TokenInfo, retry?: PinRetry): Promise<string | undefined>
  /** Asks whether to spend the final try (a wrong PIN then locks the key); absent: refused unless forced. */
  confirmFinalTry?: (token: TokenInfo) => Promise<boolean>
}

/** One more prompt after a wrong PIN (the customer mistyped); never more: each wrong PIN brings the key nearer to locked. */
const MAX_TRIES = 2

/**
 * Logs in only when it is safe to. The PIN flags are read before asking: a
 * locked PIN is reported, a final try needs explicit confirmation (or --force),
 * no PIN given (Enter) means no C_Login at all (an empty PIN would count as a
 * wrong try on most keys). After a wrong PIN the source is asked once more,
 * told what the module now reports.
 */
export async function loginSafely(session: TokenSession, pin: PinSource, opts: { force?: boolean } = {}): Promise<void> {
  let retry: PinRetry | undefined
  let wrong: UkeyError | undefined
  for (let attempt = 1; ; attempt++) {
    const t = session.token
    if (t.pin === 'locked') throw new UkeyError('PIN_LOCKED')
    if (t.protectedAuthPath) {
      // The PIN is typed on the reader's pad: the module asks for it, ukey must not.
      await session.login('')
      return
    }
    if (t.pin === 'final-try' && !opts.force && !(await pin.confirmFinalTry?.(t))) throw new UkeyError('PIN_FINAL_TRY')
    const value = await pin(t, retry)
    if (value === undefined || value === '') throw wrong ?? new UkeyError('PIN_REQUIRED')
    try {
      await session.login(value)
      return
    } catch (e) {
      if (!(isUkeyError(e) && e.code === 'PIN_INCORRECT') || attempt >= MAX_TRIES) throw e
      const tries = typeof e.params['tries'] === 'number' ? e.params['tries'] : undefined
      wrong = e
      retry = { state: session.token.pin, ...(tries !== undefined ? { tries } : {}) }
    }
  }
}
