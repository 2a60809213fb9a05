import type { PinRetry, PinSource } from '../hardware/tokens.js'
import type { TokenInfo } from '../hardware/pkcs11/types.js'
import type { Io } from './io.js'
import { firstLine } from './stdin.js'
import { withTerminal } from './ui.js'

export const PIN_ENV = 'UKEY_PIN'

/**
 * The USB key's PIN, never from argv: `--pin-stdin`, then UKEY_PIN, then a masked
 * prompt when a person is at the terminal. Read once per run and kept only in
 * this closure: never logged, never part of an error. Enter at the prompt (an
 * empty answer) skips: nothing is sent to the key. After a wrong PIN only the
 * prompt asks again (stdin and the variable hold one PIN), showing what the key
 * reports; the final try is spent only after a yes.
 */
export function pinSource(io: Io, opts: { stdin: boolean }): PinSource {
  const { ui } = io
  let cached: Promise<string | undefined> | undefined
  let interactive = false
  const source: PinSource = async (token, retry) => {
    if (retry) {
      if (!interactive) return undefined
      return withTerminal(ui, () => io.prompt.password(ui.t('pin.retryPrompt', { state: stateText(io, retry), label: token.label, serial: token.serial })))
    }
    cached ??= (async () => {
      if (opts.stdin) return firstLine(io.stdin)
      const env = io.env[PIN_ENV]
      if (env !== undefined && env !== '') return env
      if (!ui.canPrompt) return undefined
      interactive = true
      return withTerminal(ui, () => io.prompt.password(ui.t('pin.promptSkippable', { label: token.label, serial: token.serial })))
    })()
    return cached
  }
  // Only a person at the terminal can say yes; elsewhere --force is the explicit confirmation.
  source.confirmFinalTry = async (token: TokenInfo) => ui.canPrompt && withTerminal(ui, () => io.prompt.confirm(ui.t('pin.confirmFinalTry', { label: token.label, serial: token.serial }), false))
  return source
}

/** "wrong PIN; the key reports: tried wrongly before (2 tries left)". */
function stateText(io: Io, retry: PinRetry): string {
  const { t } = io.ui
  const state = t(`pin.${retry.state}`)
  return retry.tries === undefined ? state : t('pin.stateTries', { state, tries: retry.tries })
}
