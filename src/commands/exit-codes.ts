import { Flags } from '@oclif/core'
import { run } from '../app/exit-codes.js'
import { UkeyCommand } from './base-command.js'

export default class ExitCodes extends UkeyCommand {
  static override flags = { json: Flags.boolean() }

  async run(): Promise<void> {
    const { flags } = await this.parse(ExitCodes)
    process.exitCode = await run(flags, this.io)
  }
}
