import { Args, Help } from '@oclif/core'
import { UkeyCommand } from './base-command.js'

export default class HelpCommand extends UkeyCommand {
  static override summary = 'Help for ukey, a command, or a topic (e.g. `ukey help exit-codes`)'
  static override examples = ['<%= config.bin %> help', '<%= config.bin %> help check-window', '<%= config.bin %> help exit-codes']
  static override args = { command: Args.string({ description: 'command or topic', ignoreStdin: true }) }
  static override strict = false

  async run(): Promise<void> {
    const { argv } = await this.parse(HelpCommand)
    await new Help(this.config, { all: false }).showHelp(argv as string[])
  }
}
