import { UkeyError, isUkeyError } from '../errors.js'
import { EXIT } from '../output/exit-codes.js'
import type { Ui } from './ui.js'
import { usageProblem, type UsageVocabulary } from './usage-errors.js'

// Plain functions, no oclif: the oclif commands (base-command.ts) and the fast
// path of check-window (src/fast/) report failures through the same code.

export function usageError(detail: string): UkeyError {
  return new UkeyError('USAGE', { params: { detail } })
}

export function say(text: string): void {
  process.stderr.write(text + '\n')
}

/** One line on stderr for a failed input: the batch goes on. */
export function reportInput(ui: Ui, error: UkeyError): void {
  say(ui.t('error.line', { message: ui.t(error.key, error.params) }))
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
    if (isUkeyError(err.cause)) line(t(err.cause.key, err.cause.params))
    line(t(err.key, err.params))
    for (const a of err.actions) say(`  → ${t(a)}`)
    if (err.code === 'USAGE' && err.actions.length === 0) say(`  → ${helpHint(t, ctx.commandId)}`)
    if (debug && err.cause instanceof Error) say(String(err.cause.stack))
    process.exitCode = err.exitCode
    return
  }
  const usage = ctx.asUsage?.(err)
  if (usage) {
    if (usage.exit === 0) return
    const problem = usageProblem(usage.message, ctx.vocabulary)
    line(t(problem.key, problem.params))
    say(`  → ${helpHint(t, ctx.commandId)}`)
    process.exitCode = typeof usage.exit === 'number' && usage.exit !== 1 ? usage.exit : EXIT.USAGE
    return
  }
  const ue = new UkeyError('INTERNAL', { params: { detail: err.message || String(err) }, cause: err })
  line(t(ue.key, ue.params))
  say(debug ? String(err.stack) : `  → ${t('error.debugHint')}`)
  process.exitCode = EXIT.FAILURE
}

function helpHint(t: Ui['t'], commandId: string | undefined): string {
  return t('usage.helpHint', { command: ['ukey', commandId?.replace(/:/g, ' ')].filter(Boolean).join(' ') })
}
