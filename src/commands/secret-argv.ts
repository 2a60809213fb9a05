import { UkeyError } from '../errors.js'
import { reportFailure } from './failure.js'
import { uiOfArgv } from './io.js'

// A PIN or a password typed as a flag (`--pin=739264`, `--so-pin 12345678`)
// would be echoed back by the parser ("Nonexistent flag: --pin=739264") and
// taken as an input file name after it. ukey never takes a secret on the
// command line (shell history, the process list: DESIGN.md, renewal step 2),
// so such a line is refused before any parser sees it, naming the flag only.

// Words that name a secret in a flag: --pin, --so-pin, --user-pin, --puk,
// --password, --p12-password, --passphrase, --pass, --passwd, --pwd, --secret.
const SECRET_WORD = /(?:^|[-_])(?:pin|puk|pass|passwd|password|passphrase|pwd|secret)(?:$|[-_])/i

/** Flags every command understands, by name (without dashes): a known flag is never taken for a secret. */
export function flagNames(commands: Iterable<{ flags?: Record<string, unknown>; baseFlags?: Record<string, unknown> }>): Set<string> {
  const names = new Set<string>()
  for (const c of commands) for (const name of Object.keys({ ...c.baseFlags, ...c.flags })) names.add(name)
  return names
}

/**
 * The flag (as typed, without its value) that would carry a secret: any
 * `--secretname=value`, even of a known flag (`--pin-stdin=739264`), and
 * `--secretname value` for a flag ukey does not have.
 */
export function secretFlagIn(argv: readonly string[], known: ReadonlySet<string>): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!
    if (word === '--') return undefined
    if (!word.startsWith('--')) continue
    const eq = word.indexOf('=')
    const name = word.slice(2, eq === -1 ? undefined : eq)
    if (!SECRET_WORD.test(name)) continue
    if (eq !== -1) return `--${name}`
    const next = argv[i + 1]
    if (!known.has(name) && next !== undefined && !next.startsWith('-')) return `--${name}`
  }
  return undefined
}

/**
 * Refuses a command line that carries a secret in a flag, before oclif parses it:
 * the usage error names the flag and never its value. True when refused (exit 2 set).
 */
export function refuseSecretFlags(argv: readonly string[], commands: Iterable<{ flags?: Record<string, unknown>; baseFlags?: Record<string, unknown> }>): boolean {
  const secret = secretFlagIn(argv, flagNames(commands))
  if (!secret) return false
  reportFailure(new UkeyError('USAGE', { key: 'error.secretFlag', params: { flag: secret } }), { ui: uiOfArgv(argv) })
  return true
}
