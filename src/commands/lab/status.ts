import { Flags } from '@oclif/core'
import { run } from '../../app/lab/status.js'
import { wantsJson } from '../../app/output-format.js'
import { UkeyCommand } from '../base-command.js'
import { outputFlags } from '../output-flags.js'

export default class LabStatus extends UkeyCommand {
  static override flags = {
    dir: Flags.string(),
    ...outputFlags,
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(LabStatus)
    process.exitCode = await run({ ...flags, json: wantsJson(flags) }, this.io)
  }
}
