import { Flags } from '@oclif/core'
import { run } from '../../app/lab/reset.js'
import { UkeyCommand } from '../base-command.js'

export default class LabReset extends UkeyCommand {
  static override flags = { dir: Flags.string() }

  async run(): Promise<void> {
    const { flags } = await this.parse(LabReset)
    process.exitCode = await run(flags, this.io)
  }
}
