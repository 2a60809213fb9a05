import { Flags } from '@oclif/core'
import { UkeyCommand } from './base-command.js'
import { EXIT_CODE_TABLE } from '../output/exit-code-table.js'

export default class ExitCodes extends UkeyCommand {
  static override summary = 'The exit codes every ukey command uses (a contract for scripts)'
  static override description = EXIT_CODE_TABLE.map((r) => `${String(r.code).padStart(3)}  ${r.meaning}`).join('\n') +
    '\nFor a batch, the most severe outcome wins: 12 > 11 > 10 > 13 > 3 > 0.'
  static override examples = ['<%= config.bin %> help exit-codes', '<%= config.bin %> exit-codes --json']
  static override flags = { json: Flags.boolean({ description: 'the table as JSON' }) }

  async run(): Promise<void> {
    const { flags } = await this.parse(ExitCodes)
    if (flags.json) process.stdout.write(JSON.stringify(EXIT_CODE_TABLE, null, 2) + '\n')
    else process.stdout.write(ExitCodes.description + '\n')
  }
}
