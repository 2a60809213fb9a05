import { run } from '../app/version.js'
import { wantsJson } from '../app/output-format.js'
import { UkeyCommand } from './base-command.js'
import { outputFlags } from './output-flags.js'
import { moduleFlags } from './token-flags.js'

export default class Version extends UkeyCommand {
  static override flags = {
    ...outputFlags,
    ...moduleFlags,
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Version)
    process.exitCode = await run({ ...flags, json: wantsJson(flags), version: this.config.version }, this.io)
  }
}
