import { Flags } from '@oclif/core'
import { run } from '../../app/lab/samples.js'
import { UkeyCommand } from '../base-command.js'

export default class LabSamples extends UkeyCommand {
  static override flags = {
    dir: Flags.string(),
    json: Flags.boolean(),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(LabSamples)
    process.exitCode = await run(flags, this.io)
  }
}
