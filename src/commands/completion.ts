import { Args } from '@oclif/core'
import { UkeyCommand } from './base-command.js'
import { completionScript, SHELLS, type Shell } from './reference/completion.js'
import type { CommandShape } from './reference/shape.js'

export default class Completion extends UkeyCommand {
  static override args = {
    shell: Args.string({ required: true, options: [...SHELLS], ignoreStdin: true }),
  }

  async run(): Promise<void> {
    const { args } = await this.parse(Completion)
    // oclif's command metadata: the flags of every command, as the help reads them.
    process.stdout.write(completionScript(args.shell as Shell, this.config.commands as unknown as CommandShape[]))
  }
}
