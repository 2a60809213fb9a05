import { Flags } from '@oclif/core'
import { UkeyCommand } from '../base-command.js'
import { defaultLabDir } from '../../lab/paths.js'
import { resetLab } from '../../lab/token-lab.js'

export default class LabReset extends UkeyCommand {
  static override summary = 'Remove the embedded lab (its token, CA and profile)'
  static override examples = ['<%= config.bin %> <%= command.id %>']
  static override flags = { dir: Flags.string({ description: 'the lab folder (default: under the user data directory)' }) }

  async run(): Promise<void> {
    const { flags } = await this.parse(LabReset)
    const dir = flags.dir ?? defaultLabDir()
    this.say(this.ui.t(resetLab(dir) ? 'lab.removed' : 'lab.none', { dir }))
  }
}
