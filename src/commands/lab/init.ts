import { Flags } from '@oclif/core'
import { run } from '../../app/lab/init.js'
import { wantsJson } from '../../app/output-format.js'
import { UkeyCommand } from '../base-command.js'
import { outputFlags } from '../output-flags.js'

export default class LabInit extends UkeyCommand {
  static override flags = {
    dir: Flags.string(),
    'expires-in': Flags.integer({ default: 20 }),
    vendor: Flags.string({ default: '21', options: ['11', '21', '31', '41'] }),
    key: Flags.string({ options: ['rsa2048', 'ec-p256'], default: 'rsa2048' }),
    force: Flags.boolean(),
    'pin-stdin': Flags.boolean(),
    ...outputFlags,
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(LabInit)
    process.exitCode = await run({ ...flags, json: wantsJson(flags) }, this.io)
  }
}
