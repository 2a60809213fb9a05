import { Flags } from '@oclif/core'
import { run } from '../../app/lab/samples.js'
import { wantsJson } from '../../app/output-format.js'
import { UkeyCommand } from '../base-command.js'
import { outputFlags } from '../output-flags.js'

export default class LabSamples extends UkeyCommand {
  static override flags = {
    dir: Flags.string(),
    ...outputFlags,
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(LabSamples)
    process.exitCode = await run({ ...flags, json: wantsJson(flags) }, this.io)
  }
}
