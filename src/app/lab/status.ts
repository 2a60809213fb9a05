import { assessWindow } from '../../cert/window.js'
import { UkeyError } from '../../errors.js'
import { defaultLabDir } from '../../lab/paths.js'
import { readLabState } from '../../lab/token-lab.js'
import { EXIT } from '../../output/exit-codes.js'
import { labDocument } from '../../output/lab-render.js'
import { loadProfile } from '../../profile/load.js'
import type { Io } from '../io.js'
import { readLabToken } from './lab-token.js'

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
  const { t } = io.ui
  const view = await readLabToken(state, profile, io)
  const { token } = view
  const exitCode = token ? EXIT.OK : EXIT.INPUT
  // The certificate on the token; with the token gone, what lab.json remembers of it.
  const validity = view.certificate?.summary ?? { notBefore: new Date(state.certificate.notBefore), notAfter: new Date(state.certificate.notAfter) }
  const window = assessWindow(validity, io.now(), profile.window)
  if (options.json) {
    const certificate = view.certificate && { ...view.certificate, window }
    io.stdout.write(JSON.stringify(labDocument('ukey.lab-status', state, token, certificate, exitCode), null, 2) + '\n')
  }
  else {
    io.stdout.write([
      t('lab.banner'),
      `  ${dir}`,
      `  ${t('col.serial')}: ${state.token.serial}  ${token ? '✓' : '✗'}`,
      `  ${t('col.certs')}: ${token?.certificates ?? '?'}  ${t('col.keyPairs')}: ${token?.keyPairs ?? '?'}`,
      `  ${t('show.state')}: ${t(`state.${window.state}`)}`,
    ].join('\n') + '\n')
  }
  return exitCode
}
