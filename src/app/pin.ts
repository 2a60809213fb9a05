import type { PinSource } from '../hardware/tokens.js'
import type { Io } from './io.js'
import { firstLine } from './stdin.js'
import { withTerminal } from './ui.js'

export const PIN_ENV = 'UKEY_PIN'

/**
 * The USB key's PIN, never from argv: `--pin-stdin`, then UKEY_PIN, then a masked
 * prompt when a person is at the terminal. Read once per run and kept only in
 * this closure: never logged, never part of an error.
 */
export function pinSource(io: Io, opts: { stdin: boolean }): PinSource {
  const { ui } = io
  let cached: Promise<string | undefined> | undefined
  return async (token) => {
    cached ??= (async () => {
      if (opts.stdin) return firstLine(io.stdin)
      const env = io.env[PIN_ENV]
      if (env !== undefined && env !== '') return env
      if (!ui.canPrompt) return undefined
      return withTerminal(ui, () => io.prompt.password(ui.t('pin.prompt', { label: token.label, serial: token.serial })))
    })()
    return cached
  }
}
