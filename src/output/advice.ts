// FAQ 4–6 advice for a row of check-window: as text (tables, the object form) and as
// JSON text for NDJSON, where a batch writes it 100,000 times.
import type { WindowAssessment } from '../cert/window.js'
import { keyNameInUse, type MessageKey, type Translate } from '../i18n/index.js'
import type { BankProfile } from '../profile/types.js'
import { formatDateTime } from './time.js'
import { plainJson, utf8Octets } from './octets.js'

/** FAQ 4–6 advice for a certificate's window state, with its dates and day counts. */
export function adviceFor(w: WindowAssessment, notBefore: Date, t: Translate, profile: BankProfile, tz?: string): string {
  switch (w.state) {
    case 'not-yet-valid':
      return t('advice.not-yet-valid', { notBefore: formatDateTime(notBefore, tz) })
    case 'valid':
      return t('advice.valid', { opens: formatDateTime(w.opens, tz), days: w.daysUntilOpen ?? 0 })
    case 'renewable':
      return t('advice.renewable', { days: w.daysLeft })
    case 'grace':
      return t('advice.grace', { days: w.daysSinceExpiry ?? 0, closes: formatDateTime(w.closes, tz) })
    case 'lapsed':
      return t('advice.lapsed', { grace: profile.window.graceAfterDays })
  }
}

const J = JSON.stringify

// A message's text, JSON-escaped, split where its date goes: the advice of a batch's
// rows differs only by a date and a day count. JSON.stringify(adviceFor(…)) costs
// 0.55–0.60 µs a row of the bench corpus, this 0.30 (20,000 certificates, en and zh-CN,
// best of 20); the date is plain JSON text (digits, "-", ":", " ", "+").
type Parts = readonly [before: string, after: string]

/** A character no catalogue holds: where the date goes, found again after JSON.stringify escapes it. */
const MARK = '\u0001'
const MARK_JSON = J(MARK).slice(1, -1)

interface Memo {
  /** The key name in force when the texts were made (i18n: useKeyName): another one changes every text. */
  terms: unknown
  /** By state, then by its day count: the parts around the date (a text without a date: [text, '']). */
  texts: Map<string, Map<number, Parts | null>>
}
const memos = new WeakMap<Translate, Memo>()
const DAY_COUNTS_MAX = 4096

/** JSON.stringify(adviceFor(w, notBefore, t, profile, tz)) as UTF-8 octets (octets.ts), without making most of it again for each row. */
export function adviceJson(w: WindowAssessment, notBefore: Date, t: Translate, profile: BankProfile, tz?: string): string {
  // The key, count and date adviceFor gives each state.
  let key: MessageKey = 'advice.lapsed'
  let n = profile.window.graceAfterDays
  let date: Date | undefined
  if (w.state === 'valid') {
    key = 'advice.valid'
    n = w.daysUntilOpen ?? 0
    date = w.opens
  } else if (w.state === 'renewable') {
    key = 'advice.renewable'
    n = w.daysLeft
  } else if (w.state === 'grace') {
    key = 'advice.grace'
    n = w.daysSinceExpiry ?? 0
    date = w.closes
  } else if (w.state === 'not-yet-valid') {
    key = 'advice.not-yet-valid'
    n = 0
    date = notBefore
  }
  const parts = partsOf(t, key, n, date !== undefined)
  if (parts === null) return utf8Octets(J(adviceFor(w, notBefore, t, profile, tz)))
  if (date === undefined) return parts[0]
  const when = formatDateTime(date, tz)
  // A plain date (ASCII, nothing to escape) is its own JSON octets.
  return plainJson(when) ? parts[0] + when + parts[1] : utf8Octets(J(adviceFor(w, notBefore, t, profile, tz)))
}

function partsOf(t: Translate, key: MessageKey, n: number, dated: boolean): Parts | null {
  let memo = memos.get(t)
  const terms = keyNameInUse()
  if (!memo || memo.terms !== terms) memos.set(t, (memo = { terms, texts: new Map() }))
  let byCount = memo.texts.get(key)
  if (!byCount) memo.texts.set(key, (byCount = new Map()))
  let parts = byCount.get(n)
  if (parts === undefined) {
    // Every placeholder these messages have; a message ignores the ones it lacks.
    const text = J(t(key, { notBefore: MARK, opens: MARK, closes: MARK, days: n, grace: n }))
    const cut = dated ? text.split(MARK_JSON) : [text, '']
    // null: the mark is not there exactly once (a key name holding it): stringify each row.
    parts = cut.length === 2 ? [utf8Octets(cut[0]!), utf8Octets(cut[1]!)] : null
    if (byCount.size >= DAY_COUNTS_MAX) byCount.clear()
    byCount.set(n, parts)
  }
  return parts
}
