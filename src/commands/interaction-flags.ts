import { Flags } from '@oclif/core'

/**
 * One non-interactive convention on every command that may ask (issue 15):
 * `--yes` consents to what would be asked before a change, `--no-input` never
 * asks anything (read by src/commands/io.ts before parsing: no prompt, no PIN
 * or password typed; without --yes a change that needs consent is refused).
 */
export const interactionFlags = {
  yes: Flags.boolean({ char: 'y' }),
  'no-input': Flags.boolean(),
}
