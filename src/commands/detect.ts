import { Flags } from '@oclif/core'
import { UkeyCommand } from '../cli/base-command.js'
import { moduleFlags } from '../cli/token-flags.js'
import { EXIT } from '../exit-codes.js'
import { detect, openTokens } from '../flows/tokens.js'
import { realProviderFactory } from '../hardware/token-provider.js'
import { detectRecord, detectText } from '../output/detect-render.js'

export default class Detect extends UkeyCommand {
  static override summary = 'List the USB keys this computer can see, their vendor, PIN state and what they hold'
  static override description = `Loads the PKCS#11 modules (the vendors' management tools install them, FAQ 2) and lists every key they see: module and version, slot, label, manufacturer, model, serial, the vendor (FAQ 1: the first two digits of the number printed on the key — 11 G&D, 21 Watchdata, 31 Huada, 41 Daming — checked against the module's manufacturer), PIN state, and how many certificates and key pairs it holds. No PIN is needed.
Modules: --module or UKEY_PKCS11_MODULE; otherwise those of the bank profile, of each vendor, and (Linux) those registered with p11-kit.
Exit codes: 0 a key was found; 3 no module or no key (the message says which: install the management tool, or insert the key).`
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
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Detect)
    const profile = this.profile(flags.profile, { use: flags.lab, dir: flags['lab-dir'] })
    const ui = this.ui
    const ctx = await openTokens(profile, realProviderFactory, { module: flags.module })
    try {
      const report = await detect(ctx, { printed: flags.serial })
      const exitCode = report.verdict === 'ok' ? EXIT.OK : EXIT.INPUT
      if (flags.json) process.stdout.write(JSON.stringify(detectRecord(report, ui.t, profile, ui.lang, exitCode), null, 2) + '\n')
      else process.stdout.write(detectText(report, ui.t, profile, ui.lang))
      process.exitCode = exitCode
    } finally {
      await ctx.provider.close()
    }
  }
}
