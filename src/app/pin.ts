import type { PinSource } from '../hardware/tokens.js'
import { withTerminal, type Ui } from './ui.js'

export const PIN_ENV = 'UKEY_PIN'

async function firstLine(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of stream) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? ''
}

/**
 * The USB key's PIN, never from argv: `--pin-stdin`, then UKEY_PIN, then a masked
 * prompt when a person is at the terminal. Read once per run and kept only in
 * this closure: never logged, never part of an error.
 */
export function pinSource(ui: Ui, opts: { stdin: boolean }): PinSource {
  let cached: Promise<string | undefined> | undefined
  return async (token) => {
    cached ??= (async () => {
      if (opts.stdin) return firstLine(process.stdin)
      const env = process.env[PIN_ENV]
      if (env !== undefined && env !== '') return env
      if (!ui.canPrompt) return undefined
      const { password } = await import('@inquirer/prompts')
      return withTerminal(ui, () => password({ message: ui.t('pin.prompt', { label: token.label, serial: token.serial }), mask: '*' }, { output: process.stderr }))
    })()
    return cached
  }
}
