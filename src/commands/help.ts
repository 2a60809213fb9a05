import { Args, loadHelpClass } from '@oclif/core'
import { UkeyCommand } from './base-command.js'

export default class HelpCommand extends UkeyCommand {
  static override args = { command: Args.string({ ignoreStdin: true }) }
  static override strict = false

  async run(): Promise<void> {
    const { argv } = await this.parse(HelpCommand)
    // The configured help class (package.json oclif.helpClass: src/commands/help-class.ts, in the user's language).
    const Help = await loadHelpClass(this.config)
    await new Help(this.config).showHelp(argv as string[])
  }
}
