import { Flags } from '@oclif/core'

/** The formats of a command that prints text or one JSON document. */
export const TEXT_OR_JSON = ['text', 'json'] as const

/**
 * `-o/--output` with `--json` as its short form, on every command that prints
 * JSON (src/app/output-format.ts resolves them; they may be given together).
 */
export const outputFlags = {
  output: Flags.string({ char: 'o', options: [...TEXT_OR_JSON] }),
  json: Flags.boolean(),
}
