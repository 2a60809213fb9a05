import { EXIT } from './exit-codes.js'

/** The exit-code contract as text: README, `ukey help exit-codes` and `ukey exit-codes --json`. */
export const EXIT_CODE_TABLE: Array<{ code: number; name: string; meaning: string }> = [
  { code: EXIT.OK, name: 'ok', meaning: 'nothing to do / success (certificates valid and not yet due)' },
  { code: EXIT.FAILURE, name: 'failure', meaning: 'unexpected failure (a bug: run with --debug and report it)' },
  { code: EXIT.USAGE, name: 'usage', meaning: 'usage error (unknown flag, bad --at, missing argument)' },
  { code: EXIT.INPUT, name: 'input', meaning: 'input error: a file unreadable or not a certificate, bad profile, token or module not found' },
  { code: EXIT.RENEWABLE, name: 'renewable', meaning: 'renewal due: inside the window before expiry (FAQ 4)' },
  { code: EXIT.GRACE, name: 'grace', meaning: 'expired, still renewable within the grace period (FAQ 4)' },
  { code: EXIT.LAPSED, name: 'lapsed', meaning: 'past the grace period: new key at the counter (FAQ 6)' },
  { code: EXIT.NOT_YET_VALID, name: 'not-yet-valid', meaning: 'not valid yet: check the computer\'s clock' },
  { code: EXIT.DIAGNOSIS_ACTION, name: 'diagnosis-action', meaning: 'diagnosis: action needed' },
  { code: EXIT.DIAGNOSIS_FAULTY, name: 'diagnosis-faulty', meaning: 'diagnosis: key faulty, replace it at the counter (FAQ 3)' },
  { code: EXIT.RENEWAL_REFUSED, name: 'renewal-refused', meaning: 'renewal refused: by the bank (0116, 403.7) or before asking it (outside the window, already renewed); retrying will not help' },
  { code: EXIT.RENEWAL_INTERRUPTED, name: 'renewal-interrupted', meaning: 'renewal not completed (server unreachable, key generation failed 0124, interrupted by Ctrl-C/SIGTERM/SIGHUP, the server forgot the request): the old certificate works, the journal is kept, a rerun resumes' },
  { code: EXIT.CANCELLED, name: 'cancelled', meaning: 'cancelled by the person at the terminal (Ctrl-C at a prompt), or a renewal interrupted before it changed anything: nothing was changed' },
]

/** The table as `ukey exit-codes` and `ukey help exit-codes` print it. */
export function exitCodesText(): string {
  return EXIT_CODE_TABLE.map((r) => `${String(r.code).padStart(3)}  ${r.meaning}`).join('\n') + '\nFor a batch, the most severe outcome wins: 12 > 11 > 10 > 13 > 3 > 0.'
}
