import { assessWindow, daysLeft } from '../../cert/window.js'
import { labDocument } from '../../output/lab-render.js'
import { loadProfile } from '../../profile/load.js'
import { readLabToken } from './lab-token.js'
import { realProviderFactory } from '../../hardware/token-provider.js'
import { defaultLabDir } from '../../lab/paths.js'
import { LAB_DEFAULT_PIN, initLab, resetLab } from '../../lab/token-lab.js'
import { EXIT } from '../../output/exit-codes.js'
import { formatDateTime } from '../../output/time.js'
import type { Io } from '../io.js'
import { PIN_ENV } from '../pin.js'
import { firstLine } from '../stdin.js'

export interface LabInitOptions {
  dir?: string
  'expires-in': number
  /** The FAQ vendor code the token's serial starts with. */
  vendor: string
  key: string
  /** Remove a lab already there first. */
  force: boolean
  'pin-stdin': boolean
  json: boolean
}

/** `ukey lab init`: the SoftHSM2 token, the lab CA and its certificate, the lab's profile. Returns the exit code. */
export async function run(options: LabInitOptions, io: Io): Promise<number> {
  const dir = options.dir ?? defaultLabDir()
  if (options.force) resetLab(dir)
  // The lab's PIN is a test PIN: without --pin-stdin or UKEY_PIN it is the documented default, never asked.
  const pin = options['pin-stdin'] ? await firstLine(io.stdin) : (io.env[PIN_ENV] || LAB_DEFAULT_PIN)
  const now = io.now()
  const state = await initLab({
    dir,
    factory: realProviderFactory,
    applyEnvironment: (vars) => io.applyEnvironment(vars),
    pin,
    now,
    expiresInDays: options['expires-in'],
    vendorCode: options.vendor,
    key: options.key === 'ec-p256' ? { algorithm: 'EC', curve: 'P-256' } : { algorithm: 'RSA', bits: 2048 },
  })
  const { t } = io.ui
  if (options.json) {
    // The certificate as every other document names it: read back off the token just made.
    const profile = loadProfile(state.profile)
    const view = await readLabToken(state, profile, io)
    const certificate = view.certificate && { ...view.certificate, window: assessWindow(view.certificate.summary, now, profile.window) }
    io.stdout.write(JSON.stringify(labDocument('ukey.lab', state, view.token, certificate, EXIT.OK), null, 2) + '\n')
    return EXIT.OK
  }
  const notAfter = new Date(state.certificate.notAfter)
  io.stdout.write(
    [
      t('lab.banner'),
      t('lab.made', { dir }),
      `  ${t('col.serial')}: ${state.token.serial}  (${state.token.label})`,
      `  ${t('show.subject')}: ${state.certificate.subject}`,
      `  ${t('show.validTo')}: ${formatDateTime(notAfter)}  (${t('show.daysLeftValue', { days: daysLeft(notAfter, now) })})`,
      `  CA: ${state.ca.cert}`,
      t('lab.next'),
    ].join('\n') + '\n',
  )
  return EXIT.OK
}
