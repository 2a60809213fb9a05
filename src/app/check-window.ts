import { checkWindow, WindowTally } from '../cert/window-events.js'
import { TextSink } from '../output/sink.js'
import { windowRenderer, type WindowFormat } from '../output/window-render.js'
import { certificateSources, type SourceFlags } from './certificate-sources.js'
import type { CommandContext } from './command-context.js'
import { parseAt, parseTz } from './instant.js'
import { startProgress } from './progress.js'

export interface CheckWindowFlags extends SourceFlags {
  at?: string
  output: string
  json: boolean
  quiet: boolean
  tz?: string
  profile?: string
  'lab-dir'?: string
}

/**
 * The body of `ukey check-window`, for its two callers: the oclif command
 * (src/commands/check-window.ts) and the fast path that starts without oclif
 * (src/fast/check-window.ts). Sets process.exitCode; failures are thrown.
 */
export async function runCheckWindow(inputs: string[], flags: CheckWindowFlags, ctx: CommandContext): Promise<void> {
  const at = parseAt(flags.at)
  const tz = parseTz(flags.tz)
  const profile = ctx.profile(flags.profile, { use: flags.lab, dir: flags['lab-dir'] })
  const ui = ctx.ui
  const format: WindowFormat = flags.json ? 'json' : (flags.output as WindowFormat)

  // chalk only when there is colour to paint: output to a pipe or a file (or NO_COLOR)
  // never loads it (−20 ms of start-up for one file, bench/README.md).
  const paint = ui.color && !flags.quiet ? (await import('../output/paint.js')).statePainter(ui) : undefined
  const out = new TextSink(process.stdout)
  const renderer = flags.quiet ? undefined : windowRenderer(format, { out, t: ui.t, profile, at, tz, paint })
  const tally = new WindowTally()
  const progress = flags.quiet ? undefined : startProgress(ui, (n) => ui.t('progress.checked', { n }))
  try {
    for await (const batch of checkWindow(certificateSources(inputs, flags, profile, ui), { at, profile })) {
      for (const ev of batch) {
        tally.add(ev)
        if (ev.type === 'error' && !flags.quiet) {
          progress?.clear()
          ctx.reportInput(ev.error)
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
  process.exitCode = tally.exitCode
}
