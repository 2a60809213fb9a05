import { showCertificates, type ShownCertificate } from '../cert/show-events.js'
import { EXIT, exitCodeOf, worstExit } from '../output/exit-codes.js'
import { painter } from '../output/paint.js'
import { errorRecord, showCard, showJson, showRecord } from '../output/show-render.js'
import type { ErrorRecord } from '../output/window-records.js'
import { certificateSettings, certificateSources, type CertificateCommandOptions } from './certificate-sources.js'
import { reportInput } from './context.js'
import type { Io } from './io.js'

export type ShowCertOptions = CertificateCommandOptions

/** `ukey show-cert`: every certificate in the inputs in full. Returns the exit code (0, or 3 when an input could not be read). */
export async function run(options: ShowCertOptions, io: Io): Promise<number> {
  const { at, tz, profile } = certificateSettings(options, io)
  const ui = io.ui

  const shown: ShownCertificate[] = []
  const errors: ErrorRecord[] = []
  let exitCode: number = EXIT.OK
  for await (const ev of showCertificates(certificateSources(options.inputs, options, profile, io), { at, profile })) {
    if (ev.type === 'error') {
      exitCode = worstExit(exitCode, exitCodeOf(ev.error))
      errors.push(errorRecord(ev, ui.t))
      reportInput(io, ev.error)
    } else shown.push(ev)
  }
  if (options.json) {
    io.stdout.write(showJson(shown.map((c) => showRecord(c, ui.t, profile, tz)), errors, profile.lab, exitCode))
  } else {
    const paint = painter(ui.color)
    const counts = new Map<string, number>()
    for (const c of shown) counts.set(c.source, (counts.get(c.source) ?? 0) + 1)
    if (profile.lab) io.stdout.write(ui.t('lab.banner') + '\n')
    io.stdout.write(shown.map((c) => showCard(c, ui.t, profile, { tz, count: counts.get(c.source)!, paint })).join('\n'))
  }
  return exitCode
}
