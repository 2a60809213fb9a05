import { run } from '../app/exit-codes.js'
import { UkeyCommand } from './base-command.js'
import { outputFlags } from './output-flags.js'
import { wantsJson } from '../app/output-format.js'

export default class ExitCodes extends UkeyCommand {
  static override flags = { ...outputFlags }

  async run(): Promise<void> {
    const { flags } = await this.parse(ExitCodes)
    process.exitCode = await run({ json: wantsJson(flags) }, this.io)
  }
}
