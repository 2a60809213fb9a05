import { Flags } from '@oclif/core'
import { run } from '../app/exit-codes.js'
import { exitCodesText } from '../output/exit-code-table.js'
import { UkeyCommand } from './base-command.js'

export default class ExitCodes extends UkeyCommand {
  static override summary = 'The exit codes every ukey command uses (a contract for scripts)'
  static override description = exitCodesText()
  static override examples = ['<%= config.bin %> help exit-codes', '<%= config.bin %> exit-codes --json']
  static override flags = { json: Flags.boolean({ description: 'the table as JSON' }) }

  async run(): Promise<void> {
    const { flags } = await this.parse(ExitCodes)
    process.exitCode = await run(flags, this.io)
  }
}
