import type { PasswordProvider } from '../hardware/soft-store/read-certificates.js'
import type { Io } from './io.js'
import { firstLine } from './stdin.js'
import { terminalText } from '../output/terminal-text.js'
import { withTerminal } from './ui.js'

export const P12_PASSWORD_ENV = 'UKEY_P12_PASSWORD'

/**
 * Where a PKCS#12 password comes from, never argv: `--password-stdin`, then the
 * UKEY_P12_PASSWORD variable, then a masked prompt when a person is there (three tries).
 * Each non-interactive source is tried once: a wrong one is reported, not retried.
 */
export function passwordProvider(io: Io, opts: { stdin: boolean }): PasswordProvider {
  const { ui } = io
  let fromStdin: Promise<string> | undefined
  return async (source, attempt) => {
    if (opts.stdin) {
      fromStdin ??= firstLine(io.stdin)
      return attempt === 1 ? fromStdin : undefined
    }
    const env = io.env[P12_PASSWORD_ENV]
    if (env !== undefined) return attempt === 1 ? env : undefined
    if (!ui.canPrompt || attempt > 3) return undefined
    // The file name is shown at the prompt: escapes in it shown, not obeyed.
    // After a wrong one, the prompt says so (which try this is); the first asks plainly.
    const text = attempt > 1 ? ui.t('password.wrongRetry', { source: terminalText(source), attempt, max: 3 }) : ui.t('password.prompt', { source: terminalText(source) })
    return withTerminal(ui, () => io.prompt.password(text))
  }
}
