import { UkeyError } from '../errors.js'

/**
 * `-o/--output FORMAT` and its short form `--json` (issue 15: every command
 * with --json takes -o json too, as gh and kubectl do). Both given and agreeing
 * is fine; `--json -o csv` says two different things and is a usage error.
 * No oclif here: the check-window fast path resolves its format with this too.
 */
export function chosenFormat<F extends string>(o: { json?: boolean; output?: string | undefined }, fallback: F): F | 'json' {
  if (o.json && o.output !== undefined && o.output !== 'json') {
    throw new UkeyError('USAGE', { key: 'usage.exclusive', params: { flag: '--json', other: `--output ${o.output}` } })
  }
  return o.json ? 'json' : ((o.output as F | undefined) ?? fallback)
}

/** For the commands whose formats are text and JSON. */
export function wantsJson(o: { json?: boolean; output?: string | undefined }): boolean {
  return chosenFormat(o, 'text') === 'json'
}

/** Whether a command line asks for JSON, read before any parser has run (errors can strike before parsing). */
export function argvAsksJson(argv: readonly string[]): boolean {
  return argv.some((a, i) => a === '--json' || a === '--output=json' || a === '-ojson' || ((a === '--output' || a === '-o') && argv[i + 1] === 'json'))
}
