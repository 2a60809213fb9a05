import { Flags } from '@oclif/core'
import { UkeyCommand } from './base-command.js'
import { moduleFlags, selectFlags } from './token-flags.js'
import { outputFlags } from './output-flags.js'
import { interactionFlags } from './interaction-flags.js'
import { renewBody } from './renew-body.js'

export default class Renew extends UkeyCommand {
  static override flags = {
    ...selectFlags,
    id: Flags.string({ helpGroup: 'TOKEN' }),
    'key-number': Flags.string({ helpGroup: 'TOKEN' }),
    ...moduleFlags,
    'pin-stdin': Flags.boolean({ helpGroup: 'TOKEN' }),
    force: Flags.boolean({ helpGroup: 'TOKEN' }),
    ...interactionFlags,
    'dry-run': Flags.boolean(),
    status: Flags.boolean(),
    server: Flags.string(),
    ...outputFlags,
    tz: Flags.string(),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Renew)
    process.exitCode = await renewBody(flags, this.io)
  }
}
