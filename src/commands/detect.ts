import { Flags } from '@oclif/core'
import { UkeyCommand } from './base-command.js'
import { moduleFlags } from './token-flags.js'
import { EXIT } from '../output/exit-codes.js'
import { physicalView } from '../hardware/physical-keys.js'
import { detect, openTokens, type DetectReport } from '../hardware/tokens.js'
import { UkeyError } from '../errors.js'
import type { BankProfile } from '../profile/types.js'
import { realProviderFactory } from '../hardware/token-provider.js'
import { describeUsb, detectRecord, detectText, usbRecord } from '../output/detect-render.js'

export default class Detect extends UkeyCommand {
  static override flags = {
    ...moduleFlags,
    serial: Flags.string(),
    json: Flags.boolean(),
    usb: Flags.boolean({ default: true, allowNo: true }),
    all: Flags.boolean(),
    watch: Flags.boolean(),
    interval: Flags.integer({ default: 500, min: 50, hidden: true }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Detect)
    const profile = this.profile(flags.profile, { use: flags.lab, dir: flags['lab-dir'] })
    const ui = this.ui
    if (flags.watch) return this.watch(profile, { json: flags.json, all: flags.all, intervalMs: flags.interval })
    // Both views: the USB bus (is the key physically there?) and PKCS#11 (does its module see it?).
    const { listUsbKeys } = await import('../hardware/usb/index.js')
    const usbListing = flags.usb ? await listUsbKeys() : { keys: [], errors: [] }
    let report: DetectReport
    let close = async (): Promise<void> => {}
    try {
      const ctx = await openTokens(profile, realProviderFactory, { module: flags.module })
      close = () => ctx.provider.close()
      report = await detect(ctx, { printed: flags.serial })
    } catch (e) {
      // No module at all is a finding of detect, not a failure of it: the USB view still tells.
      if (!(e instanceof UkeyError && e.code === 'PKCS11_NO_MODULE')) throw e
      report = { modules: [], tokens: [], printed: null, verdict: 'no-module' }
    }
    try {
      const view = physicalView(report, usbListing, profile.vendors, { all: flags.all, usbListed: flags.usb })
      const exitCode = view.report.tokens.length ? EXIT.OK : EXIT.INPUT
      if (flags.json) process.stdout.write(JSON.stringify(detectRecord(view, ui.t, profile, ui.lang, exitCode), null, 2) + '\n')
      else process.stdout.write(detectText(view, ui.t, profile, ui.lang))
      process.exitCode = exitCode
    } finally {
      await close()
    }
  }

  /** Technicians plug and swap keys at the counter: report each change as it happens. */
  private async watch(profile: BankProfile, opts: { json: boolean; all: boolean; intervalMs: number }): Promise<void> {
    const { listUsbKeys, classifyUsbKeys, watchUsbKeys } = await import('../hardware/usb/index.js')
    const { t, lang } = this.ui
    const stop = new AbortController()
    const onSignal = (): void => stop.abort()
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
    const emit = (event: object, text: string): void => {
      process.stdout.write(opts.json ? JSON.stringify({ ...event, at: new Date().toISOString() }) + '\n' : text + '\n')
    }
    const reported = new Set<string>()
    let started = false
    const enumerate = async () => {
      const { keys, errors } = await listUsbKeys()
      for (const e of errors) {
        if (reported.has(e.error.code + e.transport)) continue
        reported.add(e.error.code + e.transport)
        this.say(t('error.line', { message: t(e.error.key, e.error.params) }))
      }
      const kept = classifyUsbKeys(keys, profile.vendors, { all: opts.all })
      if (!started) {
        started = true
        emit({ type: 'watching', lab: profile.lab }, (profile.lab ? t('lab.banner') + '\n' : '') + t('watch.start'))
      }
      return kept.map((c) => c.key)
    }
    try {
      for await (const e of watchUsbKeys(enumerate, { intervalMs: opts.intervalMs, signal: stop.signal })) {
        const [c] = classifyUsbKeys([e.key], profile.vendors, { all: true })
        const vendor = c?.vendor ? { code: c.vendor.code, name: c.vendor.name[lang] } : null
        emit(
          { type: e.type, usb: usbRecord(e.key, c?.kind ?? 'other'), vendor },
          `${e.type === 'insert' ? '+' : '-'} ${t(e.type === 'insert' ? 'watch.insert' : 'watch.remove')}: ${describeUsb(e.key)}${vendor ? ` — ${vendor.code} ${vendor.name}` : ''}`,
        )
      }
    } finally {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
    emit({ type: 'stopped' }, t('watch.stop'))
  }
}
