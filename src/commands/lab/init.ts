import { Flags } from '@oclif/core'
import { UkeyCommand } from '../base-command.js'
import { outputFlags } from '../output-flags.js'
import { wantsJson } from '../../app/output-format.js'
import { PIN_ENV } from '../../app/pin.js'
import { firstLine } from '../../app/stdin.js'
import { realProviderFactory } from '../../hardware/token-provider.js'
import { defaultLabDir } from '../../lab/paths.js'
import { LAB_DEFAULT_PIN, initLab, resetLab } from '../../lab/token-lab.js'
import { daysLeft } from '../../cert/window.js'
import { formatDateTime } from '../../output/time.js'

export default class LabInit extends UkeyCommand {
  static override flags = {
    dir: Flags.string(),
    'expires-in': Flags.integer({ default: 20 }),
    vendor: Flags.string({ default: '21', options: ['11', '21', '31', '41'] }),
    key: Flags.string({ options: ['rsa2048', 'ec-p256'], default: 'rsa2048' }),
    force: Flags.boolean(),
    'pin-stdin': Flags.boolean(),
    ...outputFlags,
  }

  async run(): Promise<void> {
    const parsed = await this.parse(LabInit)
    const flags = { ...parsed.flags, json: wantsJson(parsed.flags) }
    const dir = flags.dir ?? defaultLabDir()
    if (flags.force) resetLab(dir)
    const pin = flags['pin-stdin'] ? await firstLine(process.stdin) : (process.env[PIN_ENV] || LAB_DEFAULT_PIN)
    const state = await initLab({
      dir,
      factory: realProviderFactory,
      pin,
      now: new Date(),
      expiresInDays: flags['expires-in'],
      vendorCode: flags.vendor,
      key: flags.key === 'ec-p256' ? { algorithm: 'EC', curve: 'P-256' } : { algorithm: 'RSA', bits: 2048 },
    })
    const { t } = this.ui
    if (flags.json) {
      process.stdout.write(JSON.stringify({ kind: 'ukey.lab', lab: true, ...state }, null, 2) + '\n')
      return
    }
    process.stdout.write(
      [
        t('lab.banner'),
        t('lab.made', { dir }),
        `  ${t('col.serial')}: ${state.token.serial}  (${state.token.label})`,
        `  ${t('show.subject')}: ${state.certificate.subject}`,
        `  ${t('show.validTo')}: ${formatDateTime(new Date(state.certificate.notAfter))}  (${t('show.daysLeftValue', { days: daysLeft(new Date(state.certificate.notAfter), new Date()) })})`,
        `  CA: ${state.ca.cert}`,
        t('lab.next'),
      ].join('\n') + '\n',
    )
  }
}
