import { Args, Flags } from '@oclif/core'
import { UkeyCommand } from './base-command.js'
import { moduleFlags, pinFlags, selectFlags, storeFlags } from './token-flags.js'
import { run } from '../app/show-cert.js'
import { outputFlags } from './output-flags.js'
import { interactionFlags } from './interaction-flags.js'
import { wantsJson } from '../app/output-format.js'

export default class ShowCert extends UkeyCommand {
  static override args = {
    // ignoreStdin: oclif would otherwise take piped stdin (a PIN, a password) as the first input.
    inputs: Args.string({ ignoreStdin: true }),
  }
  static override strict = false

  static override flags = {
    recursive: Flags.boolean({ char: 'r' }),
    ...outputFlags,
    at: Flags.string(),
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
    const { argv, flags } = await this.parse(ShowCert)
    process.exitCode = await run({ ...flags, json: wantsJson(flags), inputs: argv as string[] }, this.io)
  }
}
