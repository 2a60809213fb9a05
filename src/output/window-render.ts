import { WINDOW_STATES } from '../cert/window.js'
import type { WindowEvent, WindowRow } from '../cert/window-events.js'
import type { WindowTally } from './window-tally.js'
import type { Translate } from '../i18n/index.js'
import type { BankProfile } from '../profile/types.js'
import { csvLine } from './csv.js'
import { family, labels } from './prometheus.js'
import { adviceFor, certificateJson, errorRecord, summaryRecord, type ErrorRecord } from './window-records.js'
import { SCHEMA_VERSION } from './schema-version.js'
import type { TextSink } from './sink.js'
import { measure, renderRow, type Column } from './table.js'
import { formatDate, formatDateTime } from './time.js'

export const WINDOW_FORMATS = ['table', 'json', 'ndjson', 'csv', 'prometheus'] as const
export type WindowFormat = (typeof WINDOW_FORMATS)[number]

export interface RenderContext {
  out: TextSink
  t: Translate
  profile: BankProfile
  at: Date
  tz?: string
  /** Paints a state name for a terminal; identity when colour is off. */
  paint?: (state: string, text: string) => string
}

export interface WindowRenderer {
  event(ev: WindowEvent): void
  end(tally: WindowTally): void
}

export function windowRenderer(format: WindowFormat, ctx: RenderContext): WindowRenderer {
  switch (format) {
    case 'json':
      return jsonRenderer(ctx)
    case 'ndjson':
      return ndjsonRenderer(ctx)
    case 'csv':
      return csvRenderer(ctx)
    case 'prometheus':
      return prometheusRenderer(ctx)
    case 'table':
      return tableRenderer(ctx)
  }
}

/** One JSON document, streamed: certificates as they come, errors (few) collected for the end. */
function jsonRenderer(ctx: RenderContext): WindowRenderer {
  const errors: ErrorRecord[] = []
  let first = true
  let started = false
  const start = (): void => {
    if (started) return
    started = true
    ctx.out.write(`{"schemaVersion":${SCHEMA_VERSION},"kind":"ukey.check-window","lab":${ctx.profile.lab},"certificates":[`)
  }
  return {
    event(ev) {
      start()
      if (ev.type === 'error') errors.push(errorRecord(ev, ctx.t))
      else {
        ctx.out.writeOctets((first ? '\n' : ',\n') + certificateJson(ev, ctx.t, ctx.profile, ctx.tz))
        first = false
      }
    },
    end(tally) {
      start()
      const summary = summaryRecord(tally, ctx.at, ctx.profile)
      ctx.out.write(`\n],"errors":${JSON.stringify(errors)},"summary":${JSON.stringify(summary)},"exitCode":${tally.exitCode}}\n`)
    },
  }
}

function ndjsonRenderer(ctx: RenderContext): WindowRenderer {
  return {
    event(ev) {
      if (ev.type === 'error') ctx.out.write(JSON.stringify(errorRecord(ev, ctx.t)) + '\n')
      else ctx.out.writeOctets(certificateJson(ev, ctx.t, ctx.profile, ctx.tz) + '\n')
    },
    end(tally) {
      ctx.out.write(JSON.stringify(summaryRecord(tally, ctx.at, ctx.profile)) + '\n')
    },
  }
}

export const CSV_COLUMNS = [
  'source', 'index', 'format', 'subject', 'issuer', 'serial', 'key_algorithm', 'not_before', 'not_after',
  'state', 'days_left', 'window_opens', 'window_closes', 'advice', 'error_code', 'error_message',
] as const

function csvRenderer(ctx: RenderContext): WindowRenderer {
  let header = false
  const head = (): void => {
    if (!header) ctx.out.write(csvLine([...CSV_COLUMNS]))
    header = true
  }
  return {
    event(ev) {
      head()
      if (ev.type === 'error') {
        const r = errorRecord(ev, ctx.t)
        ctx.out.write(csvLine([r.source, '', '', '', '', '', '', '', '', '', '', '', '', '', r.code, r.message]))
      } else {
        // CSV keeps its v1 columns (a spreadsheet's): the CN, and the key as one word ("EC P-256").
        const { cert, window: w } = ev
        ctx.out.write(
          csvLine([ev.source, ev.index, ev.format, cert.subjectCN, cert.issuerCN, cert.serial, cert.keyAlgorithm, cert.notBefore.toISOString(), cert.notAfter.toISOString(),
            w.state, w.daysLeft, w.opens.toISOString(), w.closes.toISOString(), adviceFor(w, cert.notBefore, ctx.t, ctx.profile, ctx.tz), '', '']),
        )
      }
    },
    end() {
      head()
    },
  }
}

/**
 * Text exposition for node_exporter's textfile collector. Samples of one family
 * must stay together, so the expiry family streams and the others are kept as
 * compact label strings until the end.
 */
function prometheusRenderer(ctx: RenderContext): WindowRenderer {
  const certLabels: string[] = []
  const stateIdx: number[] = []
  const opens: number[] = []
  const closes: number[] = []
  const errors: string[] = []
  let started = false
  return {
    event(ev) {
      if (!started) {
        started = true
        ctx.out.write(family('ukey_certificate_not_after_timestamp_seconds', 'Certificate expiry (notAfter), Unix time.'))
      }
      if (ev.type === 'error') {
        errors.push(labels({ source: ev.source, code: ev.error.code }))
        return
      }
      const l = labels({ source: ev.source, index: ev.index, subject: ev.cert.subjectCN ?? '', serial: ev.cert.serial })
      certLabels.push(l)
      stateIdx.push(WINDOW_STATES.indexOf(ev.window.state))
      opens.push(ev.window.opens.getTime() / 1000)
      closes.push(ev.window.closes.getTime() / 1000)
      ctx.out.write(`ukey_certificate_not_after_timestamp_seconds${l} ${ev.cert.notAfter.getTime() / 1000}\n`)
    },
    end(tally) {
      if (!started) ctx.out.write(family('ukey_certificate_not_after_timestamp_seconds', 'Certificate expiry (notAfter), Unix time.'))
      ctx.out.write(family('ukey_certificate_renewal_window_state', 'Renewal window state (FAQ 4-6): 1 for the current state, 0 for the others.'))
      for (let i = 0; i < certLabels.length; i++) {
        const base = certLabels[i]!.slice(0, -1)
        for (let s = 0; s < WINDOW_STATES.length; s++) {
          ctx.out.write(`ukey_certificate_renewal_window_state${base},state="${WINDOW_STATES[s]}"} ${s === stateIdx[i] ? 1 : 0}\n`)
        }
      }
      ctx.out.write(family('ukey_certificate_renewal_window_opens_timestamp_seconds', 'When renewal becomes possible, Unix time.'))
      for (let i = 0; i < certLabels.length; i++) ctx.out.write(`ukey_certificate_renewal_window_opens_timestamp_seconds${certLabels[i]} ${opens[i]}\n`)
      ctx.out.write(family('ukey_certificate_renewal_window_closes_timestamp_seconds', 'The last instant renewal is possible, Unix time.'))
      for (let i = 0; i < certLabels.length; i++) ctx.out.write(`ukey_certificate_renewal_window_closes_timestamp_seconds${certLabels[i]} ${closes[i]}\n`)
      ctx.out.write(family('ukey_input_error', 'An input that could not be read: 1 per input and error code.'))
      for (const e of errors) ctx.out.write(`ukey_input_error${e} 1\n`)
      ctx.out.write(family('ukey_check_certificates', 'Certificates checked, by renewal window state.'))
      for (const s of WINDOW_STATES) ctx.out.write(`ukey_check_certificates{state="${s}"} ${tally.states[s]}\n`)
      ctx.out.write(family('ukey_check_timestamp_seconds', 'The instant the window was evaluated at, Unix time.'))
      ctx.out.write(`ukey_check_timestamp_seconds ${ctx.at.getTime() / 1000}\n`)
      ctx.out.write(family('ukey_check_exit_code', 'The exit code of this check (README: exit codes).'))
      ctx.out.write(`ukey_check_exit_code${labels({ lab: String(ctx.profile.lab) })} ${tally.exitCode}\n`)
    },
  }
}

// Rows kept to size the columns before the table streams; later rows are fitted.
const SAMPLE_ROWS = 200

function tableRenderer(ctx: RenderContext): WindowRenderer {
  const { t } = ctx
  const paint = ctx.paint ?? ((_s: string, x: string) => x)
  const columns: Column[] = [
    { header: t('col.source'), max: 48, keepEnd: true },
    { header: t('col.subject'), max: 32 },
    { header: t('col.serial'), max: 20 },
    { header: t('col.notAfter') },
    { header: t('col.state') },
    { header: t('col.window') },
  ]
  const sample: WindowRow[] = []
  let widths: number[] | undefined
  let first: WindowRow | undefined

  const cells = (r: WindowRow): string[] => [
    shownSource(r.index > 1 || r.format !== 'pem' && r.format !== 'der' ? `${r.source}#${r.index}` : r.source, t),
    r.cert.subjectCN ?? '',
    r.cert.serial,
    formatDate(r.cert.notAfter, ctx.tz),
    t(`state.${r.window.state}`),
    `${formatDate(r.window.opens, ctx.tz)} → ${formatDate(r.window.closes, ctx.tz)}`,
  ]
  const line = (r: WindowRow): string => {
    const c = cells(r)
    const text = renderRow(c, widths!, columns)
    const label = c[4]!
    return text.replace(label, paint(r.window.state, label)) + '\n'
  }
  const flushSample = (): void => {
    widths = measure(columns, sample.map(cells))
    if (ctx.profile.lab) ctx.out.write(t('lab.banner') + '\n')
    ctx.out.write(renderRow(columns.map((c) => c.header), widths, columns) + '\n')
    for (const r of sample) ctx.out.write(line(r))
    sample.length = 0
  }
  return {
    event(ev) {
      // Errors are reported on stderr by the command as they happen.
      if (ev.type === 'error') return
      first ??= ev
      if (widths) ctx.out.write(line(ev))
      else {
        sample.push(ev)
        if (sample.length >= SAMPLE_ROWS) flushSample()
      }
    },
    end(tally) {
      if (!widths && sample.length) flushSample()
      const lines: string[] = [widths || !ctx.profile.lab ? '' : t('lab.banner')]
      const stateParts = WINDOW_STATES.filter((s) => tally.states[s] > 0).map((s) => paint(s, `${t(`state.${s}`)} ${tally.states[s]}`))
      lines.push(`${t('summary.line', { n: tally.certificates })}${stateParts.length ? ' · ' + stateParts.join(' · ') : ''}`)
      if (tally.errors) lines.push(t('summary.errors', { n: tally.errors }))
      // The zone's name only when chosen: naming the system zone costs Intl's time-zone data (~26 ms
      // at start-up), and the offset printed with every time already says where it is.
      lines.push(t('summary.at', { at: ctx.tz ? `${formatDateTime(ctx.at, ctx.tz)} (${ctx.tz})` : formatDateTime(ctx.at) }))
      if (tally.certificates === 1 && first) lines.push(t('summary.advice', { advice: adviceFor(first.window, first.cert.notBefore, t, ctx.profile, ctx.tz) }))
      else {
        for (const s of WINDOW_STATES) {
          if (s !== 'valid' && tally.states[s] > 0) lines.push(`${paint(s, t(`state.${s}`))} (${tally.states[s]}): ${t(`adviceShort.${s}`, { grace: ctx.profile.window.graceAfterDays })}`)
        }
      }
      ctx.out.write(lines.join('\n') + '\n')
    },
  }
}

/** "token:2110…#1" is how JSON and CSV name a certificate read off a key; a person reads "网银盾 2110…#1". */
export function shownSource(source: string, t: Translate): string {
  return source.startsWith('token:') ? t('source.token', { serial: source.slice('token:'.length) }) : source
}
