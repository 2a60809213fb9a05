import { Args, Flags } from '@oclif/core'
import { run } from '../app/diagnose.js'
import { UkeyCommand } from './base-command.js'
import { moduleFlags, selectFlags } from './token-flags.js'
import { outputFlags } from './output-flags.js'
import { interactionFlags } from './interaction-flags.js'

export default class Diagnose extends UkeyCommand {
  static override args = {
    code: Args.string({ ignoreStdin: true }),
  }

  static override flags = {
    list: Flags.boolean(),
    ...outputFlags,
    ...interactionFlags,
    'allow-keygen': Flags.boolean(),
    'key-number': Flags.string(),
    'soft-store': Flags.string({ multiple: true, multipleNonGreedy: true }),
    at: Flags.string(),
    ...selectFlags,
    ...moduleFlags,
    'pin-stdin': Flags.boolean({ helpGroup: 'TOKEN' }),
    force: Flags.boolean({ helpGroup: 'TOKEN' }),
  }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Diagnose)
    process.exitCode = await run({ ...flags, code: args.code }, this.io)
  }
}
