import { assessWindow } from '../../cert/window.js'
import { UkeyError } from '../../errors.js'
import { realProviderFactory } from '../../hardware/token-provider.js'
import { detect, openTokens } from '../../hardware/tokens.js'
import { defaultLabDir } from '../../lab/paths.js'
import { readLabState } from '../../lab/token-lab.js'
import { EXIT } from '../../output/exit-codes.js'
import { loadProfile } from '../../profile/load.js'
import type { Io } from '../io.js'

export interface LabStatusOptions {
  dir?: string
  json: boolean
}

/** `ukey lab status`: the lab's token still there, its objects, its certificate's window state. Exit 3 when the token is gone. */
export async function run(options: LabStatusOptions, io: Io): Promise<number> {
  const dir = options.dir ?? defaultLabDir()
  const state = readLabState(dir)
  if (!state) throw new UkeyError('LAB_MISSING', { params: { dir } })
  const profile = loadProfile(state.profile)
  io.applyEnvironment(profile.pkcs11.environment)
  const ctx = await openTokens(profile, realProviderFactory)
  const { t } = io.ui
  try {
    const report = await detect(ctx)
    const token = report.tokens.find((d) => d.info.serial === state.token.serial)
    const window = assessWindow({ notBefore: new Date(state.certificate.notBefore), notAfter: new Date(state.certificate.notAfter) }, io.now(), profile.window)
    const result = { kind: 'ukey.lab-status', lab: true, ...state, tokenPresent: Boolean(token), certificates: token?.certificates ?? null, keyPairs: token?.keyPairs ?? null, state: window.state }
    if (options.json) io.stdout.write(JSON.stringify(result, null, 2) + '\n')
    else {
      io.stdout.write([
        t('lab.banner'),
        `  ${dir}`,
        `  ${t('col.serial')}: ${state.token.serial}  ${token ? '✓' : '✗'}`,
        `  ${t('col.certs')}: ${token?.certificates ?? '?'}  ${t('col.keyPairs')}: ${token?.keyPairs ?? '?'}`,
        `  ${t('show.state')}: ${t(`state.${window.state}`)}`,
      ].join('\n') + '\n')
    }
    return token ? EXIT.OK : EXIT.INPUT
  } finally {
    await ctx.provider.close()
  }
}
