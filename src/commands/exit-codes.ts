import { Flags } from '@oclif/core'
import { UkeyCommand } from './base-command.js'
import { EXIT_CODE_TABLE, exitCodeText } from '../output/exit-code-table.js'

export default class ExitCodes extends UkeyCommand {
  static override flags = { json: Flags.boolean() }

  async run(): Promise<void> {
    const { flags } = await this.parse(ExitCodes)
    if (flags.json) process.stdout.write(JSON.stringify(EXIT_CODE_TABLE, null, 2) + '\n')
    else process.stdout.write(exitCodeText(this.ui.t) + '\n')
  }
}
