import { Args, Flags } from '@oclif/core'
import { UkeyCommand } from './base-command.js'
import { parseAt, parseTz } from '../app/instant.js'
import { statePainter } from '../output/paint.js'
import { certificateSources } from '../app/certificate-sources.js'
import { moduleFlags, pinFlags, selectFlags } from './token-flags.js'
import { EXIT, worstExit } from '../output/exit-codes.js'
import { showCertificates, type ShownCertificate } from '../cert/show-events.js'
import { errorRecord, showCard, showJson, showRecord } from '../output/show-render.js'

export default class ShowCert extends UkeyCommand {
  static override args = {
    // ignoreStdin: oclif would otherwise take piped stdin (a PIN, a password) as the first input.
    inputs: Args.string({ ignoreStdin: true }),
  }
  static override strict = false

  static override flags = {
    recursive: Flags.boolean({ char: 'r' }),
    json: Flags.boolean(),
    at: Flags.string(),
    tz: Flags.string(),
    'password-stdin': Flags.boolean(),
    token: Flags.boolean({ helpGroup: 'TOKEN' }),
    ...selectFlags,
    ...moduleFlags,
    ...pinFlags,
  }

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ShowCert)
    const inputs = argv as string[]
    const at = parseAt(flags.at)
    const tz = parseTz(flags.tz)
    const profile = this.profile(flags.profile, { use: flags.lab, dir: flags['lab-dir'] })
    const ui = this.ui

    const shown: ShownCertificate[] = []
    const errors = []
    let exitCode: number = EXIT.OK
    for await (const ev of showCertificates(certificateSources(inputs, flags, profile, ui), { at, profile })) {
      if (ev.type === 'error') {
        exitCode = worstExit(exitCode, ev.error.exitCode)
        errors.push(errorRecord(ev, ui.t))
        this.reportInput(ev.error)
      } else shown.push(ev)
    }
    if (flags.json) {
      process.stdout.write(showJson(shown.map((c) => showRecord(c, ui.t, profile, tz)), errors, profile.lab, exitCode))
    } else {
      const paint = statePainter(ui)
      const counts = new Map<string, number>()
      for (const c of shown) counts.set(c.source, (counts.get(c.source) ?? 0) + 1)
      if (profile.lab) process.stdout.write(ui.t('lab.banner') + '\n')
      process.stdout.write(shown.map((c) => showCard(c, ui.t, profile, { tz, count: counts.get(c.source)!, paint })).join('\n'))
    }
    process.exitCode = exitCode
  }
}
