import { Flags } from '@oclif/core'
import { run } from '../app/detect.js'
import { UkeyCommand } from './base-command.js'
import { moduleFlags } from './token-flags.js'

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
    if (!flags.watch) {
      process.exitCode = await run(flags, this.io)
      return
    }
    // Ctrl-C (or a service manager's TERM) ends the watch: the last line says it stopped.
    const stop = new AbortController()
    const onSignal = (): void => stop.abort()
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
    try {
      process.exitCode = await run({ ...flags, signal: stop.signal }, this.io)
    } finally {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  }
}
