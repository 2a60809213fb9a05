import { UkeyError } from '../errors.js'
import { physicalView } from '../hardware/physical-keys.js'
import { realProviderFactory } from '../hardware/token-provider.js'
import type { TokenInfo } from '../hardware/pkcs11/types.js'
import { detect, openTokens, type DetectReport, type TokenContext } from '../hardware/tokens.js'
import { usbKeyName } from '../hardware/usb/types.js'
import { detectRecord, detectText, usbRecord } from '../output/detect-render.js'
import { SCHEMA_VERSION } from '../output/schema-version.js'
import { tokenObject } from '../output/token-json.js'
import { EXIT } from '../output/exit-codes.js'
import type { BankProfile } from '../profile/types.js'
import { profileOf, type ProfileOptions } from './context.js'
import { say, type Io } from './io.js'
import { wantsJson } from './output-format.js'

export interface DetectOptions extends ProfileOptions {
  module?: string
  /** The number printed on the key's case: its vendor is named and checked against the key (FAQ 1). */
  'key-number'?: string
  /** Selectors, as on every command: only the key with this token serial / label. */
  serial?: string
  label?: string
  json: boolean
  /** -o/--output: --json's long form (app/output-format.ts). */
  output?: string
  usb: boolean
  all: boolean
  watch: boolean
  /** With watch: how often to look, in milliseconds. */
  interval: number
  /** With watch: stops watching (the command passes one that SIGINT / SIGTERM abort). */
  signal?: AbortSignal
}

/** `ukey detect`: the keys this computer sees, through USB and through their modules. Returns the exit code. */
export async function run(given: DetectOptions, io: Io): Promise<number> {
  // Both callers (the oclif command, the fast path) hand over the parsed flags: -o json is read here.
  const options = { ...given, json: wantsJson(given) }
  const profile = profileOf(io, options.profile, { use: options.lab, dir: options['lab-dir'] })
  const ui = io.ui
  if (options.watch) return watch(profile, options, io)
  // Both views: the USB bus (is the key physically there?) and PKCS#11 (does its module see it?).
  const { listUsbKeys } = await import('../hardware/usb/index.js')
  const usbListing = options.usb ? await listUsbKeys() : { keys: [], errors: [] }
  let report: DetectReport
  let close = async (): Promise<void> => {}
  try {
    io.applyEnvironment(profile.pkcs11.environment)
    const ctx = await openTokens(profile, realProviderFactory, { module: options.module })
    close = () => ctx.provider.close()
    report = await detect(ctx, { printed: options['key-number'] })
    report = { ...report, tokens: report.tokens.filter((t) => selected(t.info, options)) }
  } catch (e) {
    // No module at all is a finding of detect, not a failure of it: the USB view still tells.
    if (!(e instanceof UkeyError && e.code === 'PKCS11_NO_MODULE')) throw e
    report = { modules: [], tokens: [], printed: null, verdict: 'no-module' }
  }
  try {
    const view = physicalView(report, usbListing, profile.vendors, { all: options.all, usbListed: options.usb })
    const exitCode = view.report.tokens.length ? EXIT.OK : EXIT.INPUT
    if (options.json) io.stdout.write(JSON.stringify(detectRecord(view, ui.t, profile, ui.lang, exitCode), null, 2) + '\n')
    else io.stdout.write(detectText(view, ui.t, profile, ui.lang))
    return exitCode
  } finally {
    await close()
  }
}

/** `--serial` and `--label` pick keys as they do on every command (issue 15: one meaning per flag). */
function selected(token: { serial: string; label: string }, o: Pick<DetectOptions, 'serial' | 'label'>): boolean {
  return (!o.serial || token.serial === o.serial) && (!o.label || token.label === o.label)
}

/** Technicians plug and swap keys at the counter: report each change as it happens. */
async function watch(profile: BankProfile, opts: DetectOptions, io: Io): Promise<number> {
  const { listUsbKeys, classifyUsbKeys, watchUsbKeys } = await import('../hardware/usb/index.js')
  const { t, lang } = io.ui
  const emit = (event: object, text: string): void => {
    io.stdout.write(opts.json ? JSON.stringify({ ...event, at: io.now().toISOString() }) + '\n' : text + '\n')
  }
  const reported = new Set<string>()
  let started = false
  const enumerate = async () => {
    const { keys, errors } = await listUsbKeys()
    for (const e of errors) {
      if (reported.has(e.error.code + e.transport)) continue
      reported.add(e.error.code + e.transport)
      say(io, t('error.line', { message: t(e.error.key, e.error.params) }))
    }
    const kept = classifyUsbKeys(keys, profile.vendors, { all: opts.all })
    if (!started) {
      started = true
      emit({ type: 'watching', schemaVersion: SCHEMA_VERSION, kind: 'ukey.detect-watch', lab: profile.lab }, (profile.lab ? t('lab.banner') + '\n' : '') + t('watch.start'))
    }
    return kept.map((c) => c.key)
  }
  // The module's view beside the bus: a token appears or goes (the lab's, a key whose USB id no list knows).
  io.applyEnvironment(profile.pkcs11.environment)
  const tokens = watchTokens(profile, opts, (type, tk) => {
    const params = { serial: tk.serial, label: tk.label }
    emit(
      { type: type === 'insert' ? 'token-insert' : 'token-remove', token: tokenObject(tk) },
      `${type === 'insert' ? '+' : '-'} ${t(type === 'insert' ? 'watch.tokenInsert' : 'watch.tokenRemove', params)}`,
    )
  })
  for await (const e of watchUsbKeys(enumerate, { intervalMs: opts.interval, signal: opts.signal })) {
    const [c] = classifyUsbKeys([e.key], profile.vendors, { all: true })
    const vendor = c?.vendor ? { code: c.vendor.code, name: c.vendor.name[lang] } : null
    emit(
      { type: e.type, usb: usbRecord(e.key, c?.kind ?? 'other'), vendor },
      `${e.type === 'insert' ? '+' : '-'} ${t(e.type === 'insert' ? 'watch.insert' : 'watch.remove')}: ${usbKeyName(e.key)}${vendor ? ` — ${vendor.code} ${vendor.name}` : ''}`,
    )
  }
  await tokens
  emit({ type: 'stopped' }, t('watch.stop'))
  return EXIT.OK
}

/**
 * Polls the modules' tokens until the signal: a fresh load each round, since a
 * module lists its slots when initialised (SoftHSM2 reads its token folder then).
 * A round that fails (a module mid-install) is skipped, not fatal to the watch.
 */
async function watchTokens(profile: BankProfile, opts: DetectOptions, report: (type: 'insert' | 'remove', t: TokenInfo) => void): Promise<void> {
  let previous = new Map<string, TokenInfo>()
  while (!opts.signal?.aborted) {
    const current = await tokenSnapshot(profile, opts.module).catch(() => previous)
    if (opts.signal?.aborted) return
    for (const [id, tk] of current) if (!previous.has(id)) report('insert', tk)
    for (const [id, tk] of previous) if (!current.has(id)) report('remove', tk)
    previous = current
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, opts.interval)
      opts.signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true })
    })
  }
}

async function tokenSnapshot(profile: BankProfile, module: string | undefined): Promise<Map<string, TokenInfo>> {
  let ctx: TokenContext
  try {
    ctx = await openTokens(profile, realProviderFactory, { module })
  } catch (e) {
    if (e instanceof UkeyError && e.code === 'PKCS11_NO_MODULE') return new Map()
    throw e
  }
  try {
    const { tokens } = await ctx.provider.listTokens()
    return new Map(tokens.map((tk) => [`${tk.module.path}\0${tk.serial}`, tk]))
  } finally {
    await ctx.provider.close()
  }
}
