import { showCertificates } from '../cert/show-events.js'
import { EXIT, exitCodeOf, worstExit } from '../output/exit-codes.js'
import { painter } from '../output/paint.js'
import { showRenderer } from '../output/show-stream.js'
import { TextSink } from '../output/sink.js'
import { certificateSettings, certificateSources, type CertificateCommandOptions } from './certificate-sources.js'
import { reportInput } from './context.js'
import type { Io } from './io.js'

export type ShowCertOptions = CertificateCommandOptions

/** `ukey show-cert`: every certificate in the inputs in full. Returns the exit code (0, or 3 when an input could not be read). */
export async function run(options: ShowCertOptions, io: Io): Promise<number> {
  const { at, tz, profile } = certificateSettings(options, io)
  const ui = io.ui

  // Rendered as the certificates come (output/show-stream.ts): a 10,000-certificate bundle is never held.
  const out = new TextSink(io.stdout)
  const renderer = showRenderer(options.json, { out, t: ui.t, profile, tz, ...(options.json ? {} : { paint: painter(ui.color) }) })
  let exitCode: number = EXIT.OK
  // Each certificate is rendered before the next batch is read, and nothing keeps its DER
  // (ReadOptions.reuse): the reading thread's answers may go in its ring.
  const sources = certificateSources(options.inputs, { ...options, reuse: true }, profile, io)
  for await (const ev of showCertificates(sources, { at, profile })) {
    if (ev.type === 'error') {
      exitCode = worstExit(exitCode, exitCodeOf(ev.error))
      reportInput(io, ev.error)
    }
    renderer.event(ev)
    await out.drain()
  }
  renderer.end(exitCode)
  await out.flush()
  return exitCode
}
