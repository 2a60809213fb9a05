import { applyEnvironment } from '../io.js'
import { Flags } from '@oclif/core'
import { UkeyCommand } from '../base-command.js'
import { outputFlags } from '../output-flags.js'
import { wantsJson } from '../../app/output-format.js'
import { UkeyError } from '../../errors.js'
import { EXIT } from '../../output/exit-codes.js'
import { detect, openTokens } from '../../hardware/tokens.js'
import { realProviderFactory } from '../../hardware/token-provider.js'
import { defaultLabDir } from '../../lab/paths.js'
import { readLabState } from '../../lab/token-lab.js'
import { loadProfile } from '../../profile/load.js'
import { assessWindow } from '../../cert/window.js'

export default class LabStatus extends UkeyCommand {
  static override flags = {
    dir: Flags.string(),
    ...outputFlags,
  }

  async run(): Promise<void> {
    const parsed = await this.parse(LabStatus)
    const flags = { ...parsed.flags, json: wantsJson(parsed.flags) }
    const dir = flags.dir ?? defaultLabDir()
    const state = readLabState(dir)
    if (!state) throw new UkeyError('LAB_MISSING', { params: { dir } })
    const profile = loadProfile(state.profile)
    applyEnvironment(profile.pkcs11.environment)
    const ctx = await openTokens(profile, realProviderFactory)
    const { t } = this.ui
    try {
      const report = await detect(ctx)
      const token = report.tokens.find((d) => d.info.serial === state.token.serial)
      const window = assessWindow({ notBefore: new Date(state.certificate.notBefore), notAfter: new Date(state.certificate.notAfter) }, new Date(), profile.window)
      const result = { kind: 'ukey.lab-status', lab: true, ...state, tokenPresent: Boolean(token), certificates: token?.certificates ?? null, keyPairs: token?.keyPairs ?? null, state: window.state }
      if (flags.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n')
      else {
        process.stdout.write([
          t('lab.banner'),
          `  ${dir}`,
          `  ${t('col.serial')}: ${state.token.serial}  ${token ? '✓' : '✗'}`,
          `  ${t('col.certs')}: ${token?.certificates ?? '?'}  ${t('col.keyPairs')}: ${token?.keyPairs ?? '?'}`,
          `  ${t('show.state')}: ${t(`state.${window.state}`)}`,
        ].join('\n') + '\n')
      }
      process.exitCode = token ? EXIT.OK : EXIT.INPUT
    } finally {
      await ctx.provider.close()
    }
  }
}
