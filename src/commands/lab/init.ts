import { Flags } from '@oclif/core'
import { UkeyCommand } from '../base-command.js'
import { PIN_ENV } from '../../app/pin.js'
import { readStdin } from '../../hardware/soft-store/sources.js'
import { realProviderFactory } from '../../hardware/token-provider.js'
import { defaultLabDir } from '../../lab/paths.js'
import { LAB_DEFAULT_PIN, initLab, resetLab } from '../../lab/token-lab.js'
import { daysLeft } from '../../cert/window.js'
import { formatDateTime } from '../../output/time.js'

export default class LabInit extends UkeyCommand {
  static override summary = 'Make the embedded lab: a SoftHSM2 "USB key" with an expiring certificate, a test CA, a lab profile'
  static override description = `Everything ukey needs to be tried without hardware or a bank: a SoftHSM2 token whose serial starts with a FAQ vendor code (default 21, Watchdata), a local test CA, an "old" key pair on the token and its certificate from that CA, expiring in --expires-in days (default 20: inside the renewal window), and a bank profile marked "lab" that points ukey at them. Use it with --lab on the other commands.
The token's PIN is taken from --pin-stdin or UKEY_PIN; without either it is the lab default documented in the README. It is never printed.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> && <%= config.bin %> detect --lab',
    '<%= config.bin %> <%= command.id %> --force --expires-in -10   # already expired, in grace',
    '<%= config.bin %> <%= command.id %> --force --vendor 31 --key ec-p256',
  ]
  static override flags = {
    dir: Flags.string({ description: 'the lab folder (default: under the user data directory)' }),
    'expires-in': Flags.integer({ description: 'days until the token\'s certificate expires (negative: already expired)', default: 20 }),
    vendor: Flags.string({ description: 'vendor code at the start of the token serial (FAQ 1)', default: '21', options: ['11', '21', '31', '41'] }),
    key: Flags.string({ description: 'the old key pair\'s algorithm', options: ['rsa2048', 'ec-p256'], default: 'rsa2048' }),
    force: Flags.boolean({ description: 'replace an existing lab' }),
    'pin-stdin': Flags.boolean({ description: 'read the token PIN from the first line of standard input' }),
    json: Flags.boolean({ description: 'the lab as JSON' }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(LabInit)
    const dir = flags.dir ?? defaultLabDir()
    if (flags.force) resetLab(dir)
    const pin = flags['pin-stdin'] ? (await readStdin()).toString('utf8').split(/\r?\n/)[0]! : (process.env[PIN_ENV] || LAB_DEFAULT_PIN)
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
