import type { PasswordProvider } from '../flows/read-certificates.js'
import { terminalText } from '../output/terminal-text.js'
import { withTerminal, type Ui } from './ui.js'

export const P12_PASSWORD_ENV = 'UKEY_P12_PASSWORD'

async function firstLineOfStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of process.stdin) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? ''
}

/**
 * Where a PKCS#12 password comes from, never argv: `--password-stdin`, then the
 * UKEY_P12_PASSWORD variable, then a masked prompt when a person is there (three tries).
 * Each non-interactive source is tried once: a wrong one is reported, not retried.
 */
export function passwordProvider(ui: Ui, opts: { stdin: boolean }): PasswordProvider {
  let fromStdin: Promise<string> | undefined
  return async (source, attempt) => {
    if (opts.stdin) {
      fromStdin ??= firstLineOfStdin()
      return attempt === 1 ? fromStdin : undefined
    }
    const env = process.env[P12_PASSWORD_ENV]
    if (env !== undefined) return attempt === 1 ? env : undefined
    if (!ui.canPrompt || attempt > 3) return undefined
    const { password } = await import('@inquirer/prompts')
    // The file name is shown at the prompt: escapes in it shown, not obeyed.
    return withTerminal(ui, () => password({ message: ui.t('password.prompt', { source: terminalText(source) }), mask: '*' }, { output: process.stderr }))
  }
}
