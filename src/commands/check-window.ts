import { Args, Flags } from '@oclif/core'
import { UkeyCommand } from './base-command.js'
import { run } from '../app/check-window.js'
import { moduleFlags, pinFlags, selectFlags, storeFlags } from './token-flags.js'
import { WINDOW_FORMATS } from '../output/window-render.js'
import { interactionFlags } from './interaction-flags.js'

export default class CheckWindow extends UkeyCommand {
  static override args = {
    // ignoreStdin: oclif would otherwise take piped stdin (a PIN, a password) as the first input.
    inputs: Args.string({ ignoreStdin: true }),
  }
  static override strict = false

  static override flags = {
    recursive: Flags.boolean({ char: 'r' }),
    at: Flags.string(),
    // No default: -o json and --json may be given together (src/app/output-format.ts); table when neither is.
    output: Flags.string({ char: 'o', options: [...WINDOW_FORMATS] }),
    json: Flags.boolean({ exclusive: ['quiet'] }),
    quiet: Flags.boolean({ char: 'q', exclusive: ['output'] }),
    tz: Flags.string(),
    'password-stdin': Flags.boolean(),
    ...interactionFlags,
    token: Flags.boolean({ helpGroup: 'TOKEN' }),
    ...storeFlags,
    ...selectFlags,
    ...moduleFlags,
    ...pinFlags,
  }

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(CheckWindow)
    process.exitCode = await run({ ...flags, inputs: argv as string[] }, this.io)
  }
}
