import { Flags } from '@oclif/core'
import { run } from '../../app/lab/status.js'
import { UkeyCommand } from '../base-command.js'

export default class LabStatus extends UkeyCommand {
  static override flags = {
    dir: Flags.string(),
    json: Flags.boolean(),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(LabStatus)
    process.exitCode = await run(flags, this.io)
  }
}
