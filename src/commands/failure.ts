import { UkeyError, isUkeyError } from '../errors.js'
import { EXIT, exitCodeOf } from '../output/exit-codes.js'
import { terminalParams } from '../output/terminal-text.js'
import type { Ui } from '../app/ui.js'
import { usageProblem, type UsageVocabulary } from '../app/usage-errors.js'

// The one top-level handler, no oclif: the oclif commands (base-command.ts) and the
// fast path of check-window (src/fast/) map every failure to its message and exit code here.

function say(text: string): void {
  process.stderr.write(text + '\n')
}

/** A framework's usage error (oclif's CLIError: unknown flag, missing argument), as the handler needs it. */
export interface UsageFailure {
  message: string
  exit?: number
}

export interface FailureContext {
  ui: Ui
  /** The command id, for the `--help` hint after a usage error. */
  commandId?: string
  /** Recognises the framework's own usage errors; the fast path has none. */
  asUsage?: (err: Error) => UsageFailure | undefined
  /** The flags and commands there are, for "did you mean". */
  vocabulary?: UsageVocabulary
}

/**
 * The one handler that turns any failure into a message in the user's language
 * and a documented exit code (sets process.exitCode). Stack traces only with --debug.
 */
export function reportFailure(err: Error, ctx: FailureContext): void {
  const { t, debug } = ctx.ui
  const line = (message: string): void => say(t('error.line', { message }))
  if (isUkeyError(err)) {
    // A wrapped failure (e.g. the key pulled out during a renewal) says what happened first, then what it means.
    if (isUkeyError(err.cause)) line(t(err.cause.key, terminalParams(err.cause.params)))
    // A usage error's detail is ukey's own text, some of it a list on several lines.
    line(t(err.key, terminalParams(err.params, err.code === 'USAGE')))
    for (const a of err.actions) say(`  → ${t(a)}`)
    if (err.code === 'USAGE' && err.actions.length === 0) say(`  → ${helpHint(t, ctx.commandId)}`)
    if (debug && err.cause instanceof Error) say(String(err.cause.stack))
    process.exitCode = exitCodeOf(err)
    return
  }
  const usage = ctx.asUsage?.(err)
  if (usage) {
    if (usage.exit === 0) return
    // The parser quotes the words it refused: shown safe (escapes visible).
    const problem = usageProblem(usage.message, ctx.vocabulary)
    line(t(problem.key, terminalParams(problem.params)))
    say(`  → ${helpHint(t, ctx.commandId)}`)
    process.exitCode = typeof usage.exit === 'number' && usage.exit !== 1 ? usage.exit : EXIT.USAGE
    return
  }
  const ue = new UkeyError('INTERNAL', { params: { detail: err.message || String(err) }, cause: err })
  line(t(ue.key, terminalParams(ue.params)))
  say(debug ? String(err.stack) : `  → ${t('error.debugHint')}`)
  process.exitCode = EXIT.FAILURE
}

function helpHint(t: Ui['t'], commandId: string | undefined): string {
  return t('usage.helpHint', { command: ['ukey', commandId?.replace(/:/g, ' ')].filter(Boolean).join(' ') })
}
