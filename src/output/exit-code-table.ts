import { translator, type Translate } from '../i18n/index.js'
import { EXIT } from './exit-codes.js'

/** The exit-code contract: README, `ukey help exit-codes` and `ukey exit-codes --json`. Meanings live in the catalogues (exit.<name>). */
const CODES: Array<{ code: number; name: string }> = [
  { code: EXIT.OK, name: 'ok' },
  { code: EXIT.FAILURE, name: 'failure' },
  { code: EXIT.USAGE, name: 'usage' },
  { code: EXIT.INPUT, name: 'input' },
  { code: EXIT.RENEWABLE, name: 'renewable' },
  { code: EXIT.GRACE, name: 'grace' },
  { code: EXIT.LAPSED, name: 'lapsed' },
  { code: EXIT.NOT_YET_VALID, name: 'not-yet-valid' },
  { code: EXIT.DIAGNOSIS_ACTION, name: 'diagnosis-action' },
  { code: EXIT.DIAGNOSIS_FAULTY, name: 'diagnosis-faulty' },
  { code: EXIT.RENEWAL_REFUSED, name: 'renewal-refused' },
  { code: EXIT.RENEWAL_INTERRUPTED, name: 'renewal-interrupted' },
  { code: EXIT.CANCELLED, name: 'cancelled' },
]

export function exitCodeTable(t: Translate): Array<{ code: number; name: string; meaning: string }> {
  return CODES.map((c) => ({ ...c, meaning: t(`exit.${c.name}` as Parameters<Translate>[0]) }))
}

/** The table in English: the JSON contract scripts read (`ukey exit-codes --json`). */
export const EXIT_CODE_TABLE = exitCodeTable(translator('en'))

/** The table as the help and `ukey exit-codes` print it, in the user's language. */
export function exitCodeText(t: Translate): string {
  return exitCodeTable(t).map((r) => `${String(r.code).padStart(3)}  ${r.meaning}`).join('\n') + '\n' + t('exit.batch')
}
