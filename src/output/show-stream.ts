import type { ShowEvent, ShownCertificate } from '../cert/show-events.js'
import type { Translate } from '../i18n/index.js'
import type { BankProfile } from '../profile/types.js'
import { errorRecord, showCard, showRecord } from './show-render.js'
import type { TextSink } from './sink.js'
import type { ErrorRecord } from './window-records.js'
import { SCHEMA_VERSION } from './schema-version.js'

export interface ShowRenderContext {
  out: TextSink
  t: Translate
  profile: BankProfile
  tz?: string
  paint?: (state: string, text: string) => string
}

export interface ShowRenderer {
  event(ev: ShowEvent): void
  end(exitCode: number): void
}

/**
 * show-cert's output as the certificates come, as check-window's renderers do:
 * a bundle of 10,000 certificates is never held (it once took 210 MB, held
 * whole and joined at the end). Input errors are few and kept for the end of
 * the JSON document; on a terminal the command reports them on stderr.
 */
export function showRenderer(json: boolean, ctx: ShowRenderContext): ShowRenderer {
  return json ? jsonRenderer(ctx) : cardRenderer(ctx)
}

/** Subsequent lines of a pretty-printed value, indented to sit inside the document. */
const nest = (text: string, pad: string): string => text.replace(/\n/g, '\n' + pad)

/** Byte for byte JSON.stringify(document, null, 2) of the document showJson builds, written in pieces. */
function jsonRenderer(ctx: ShowRenderContext): ShowRenderer {
  const errors: ErrorRecord[] = []
  let certificates = 0
  let started = false
  // Written with the first event: a failure before any (a usage error) leaves stdout empty.
  const start = (): void => {
    if (!started) ctx.out.write(`{\n  "schemaVersion": ${SCHEMA_VERSION},\n  "kind": "ukey.show-cert",\n  "lab": ${ctx.profile.lab},\n  "certificates": [`)
    started = true
  }
  return {
    event(ev) {
      start()
      if (ev.type === 'error') {
        errors.push(errorRecord(ev, ctx.t))
        return
      }
      ctx.out.write((certificates++ ? ',\n    ' : '\n    ') + nest(JSON.stringify(showRecord(ev, ctx.t, ctx.profile, ctx.tz), null, 2), '    '))
    },
    end(exitCode) {
      start()
      ctx.out.write(`${certificates ? '\n  ' : ''}],\n  "errors": ${nest(JSON.stringify(errors, null, 2), '  ')},\n  "exitCode": ${exitCode}\n}\n`)
    },
  }
}

/**
 * One card per certificate, a blank line between cards. A card is headed by its
 * source, with "#n" when the source holds more than one: the first certificate
 * of each source waits until the next event says which.
 */
function cardRenderer(ctx: ShowRenderContext): ShowRenderer {
  let cards = 0
  let source: string | undefined
  let first: ShownCertificate | undefined
  const write = (c: ShownCertificate, count: number): void => {
    ctx.out.write((cards++ ? '\n' : '') + showCard(c, ctx.t, ctx.profile, { tz: ctx.tz, count, paint: ctx.paint }))
  }
  let started = false
  return {
    event(ev) {
      if (ev.type === 'error') return
      if (!started && ctx.profile.lab) ctx.out.write(ctx.t('lab.banner') + '\n')
      started = true
      if (ev.source === source) {
        if (first) write(first, 2)
        first = undefined
        write(ev, 2)
        return
      }
      if (first) write(first, 1)
      source = ev.source
      first = ev
    },
    end() {
      if (first) write(first, 1)
    },
  }
}
