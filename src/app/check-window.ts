import { checkWindow } from '../cert/window-events.js'
import { WindowTally } from '../output/window-tally.js'
import { TextSink } from '../output/sink.js'
import { windowRenderer, type WindowFormat } from '../output/window-render.js'
import { certificateSettings, certificateSources, type CertificateCommandOptions } from './certificate-sources.js'
import { reportInput } from './context.js'
import type { Io } from './io.js'
import { chosenFormat } from './output-format.js'
import { startProgress } from './progress.js'
import { windowOffload } from './window-offload.js'

export interface CheckWindowOptions extends CertificateCommandOptions {
  output?: string | undefined
  quiet: boolean
}

/**
 * `ukey check-window`, for its two callers: the oclif command
 * (src/commands/check-window.ts) and the fast path that starts without oclif
 * (src/fast/commands/check-window.ts). Returns the exit code; failures are thrown.
 */
export async function run(options: CheckWindowOptions, io: Io): Promise<number> {
  const { at, tz, profile } = certificateSettings(options, io)
  const ui = io.ui
  const format: WindowFormat = chosenFormat(options, 'table' as WindowFormat)

  // chalk only when there is colour to paint: output to a pipe or a file (or NO_COLOR)
  // never loads it (−20 ms of start-up for one file, bench/README.md).
  const paint = ui.color && !options.quiet ? (await import('../output/paint.js')).painter(true) : undefined
  const out = new TextSink(io.stdout)
  const renderer = options.quiet ? undefined : windowRenderer(format, { out, t: ui.t, profile, at, tz, paint })
  const tally = new WindowTally()
  const progress = options.quiet ? undefined : startProgress(io, (n) => ui.t('progress.checked', { n }))
  // Over many files, threads read, classify and (ndjson) render whole files: the main thread writes their lines.
  const offload = options.quiet || format === 'ndjson'
    ? windowOffload({ lang: ui.lang, verbose: ui.verbose, profile, at: at.getTime(), tz, render: !options.quiet }, io.env)
    : undefined
  try {
    // Only JSON and NDJSON show a fingerprint: for the rest the reading thread need not hash.
    // Every renderer reads a row's DER while rendering it, never after (ReadOptions.reuse).
    const sources = { ...options, fingerprints: !options.quiet && (format === 'json' || format === 'ndjson'), reuse: true }
    for await (const batch of checkWindow(certificateSources(options.inputs, sources, profile, io, offload), { at, profile })) {
      for (const ev of batch) {
        if (ev.type === 'offloaded') {
          tally.addStates(ev.states)
          out.writeBytes(ev.text)
          continue
        }
        tally.add(ev)
        if (ev.type === 'error' && !options.quiet) {
          progress?.clear()
          reportInput(io, ev.error)
        }
        renderer?.event(ev)
      }
      progress?.tick(tally.certificates)
      await out.drain()
    }
  } finally {
    progress?.stop()
  }
  renderer?.end(tally)
  await out.flush()
  return tally.exitCode
}
