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
  static override summary = 'List the USB keys this computer can see, their vendor, PIN state and what they hold'
  static override description = `Loads the PKCS#11 modules (the vendors' management tools install them, FAQ 2) and lists every key they see: module and version, slot, label, manufacturer, model, serial, the vendor (FAQ 1: the first two digits of the number printed on the key — 11 G&D, 21 Watchdata, 31 Huada, 41 Daming — checked against the module's manufacturer), PIN state, and how many certificates and key pairs it holds. No PIN is needed.
Modules: --module or UKEY_PKCS11_MODULE; otherwise those of the bank profile, of each vendor, and (Linux) those registered with p11-kit.
It also lists the USB bus (HID "driver-free" keys and CCID smart-card keys, matched against the vendors' USB ids) and pairs each physical key with its token, saying what each combination means: on USB and seen by its module (good); on USB but no module, this vendor's module failing or outdated, or only another vendor's tool installed (FAQ 2, 10.3); a token without a USB device (software or lab token).
Exit codes: 0 a key was found through its module; 3 no module or no key (the message says which: install the management tool, or insert the key).`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --lab',
    '<%= config.bin %> <%= command.id %> --serial 2100012345   # which vendor made the key with this printed number?',
    '<%= config.bin %> <%= command.id %> --module /usr/lib/watchdata/libwdpkcs.so --json',
  ]
  static override flags = {
    ...moduleFlags,
    serial: Flags.string({ description: 'the number printed on the key: its vendor is named and checked against the key (FAQ 1)' }),
    json: Flags.boolean({ description: 'one JSON document (docs/schema/detect.schema.json)' }),
    usb: Flags.boolean({ description: 'also list the USB bus (HID and smart-card keys); --no-usb for PKCS#11 only', default: true, allowNo: true }),
    all: Flags.boolean({ description: 'list every USB HID and smart-card device, not only the bank\'s vendors\' keys' }),
    watch: Flags.boolean({ description: 'print keys as they are inserted and removed, until Ctrl-C (with --json: one event per line)' }),
    interval: Flags.integer({ description: 'with --watch: how often to look, in milliseconds', default: 500, min: 50, hidden: true }),
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
