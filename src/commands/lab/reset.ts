import { Flags } from '@oclif/core'
import { UkeyCommand } from '../base-command.js'
import { defaultLabDir } from '../../lab/paths.js'
import { resetLab } from '../../lab/token-lab.js'

export default class LabReset extends UkeyCommand {
  static override flags = { dir: Flags.string() }

  async run(): Promise<void> {
    const { flags } = await this.parse(LabReset)
    const dir = flags.dir ?? defaultLabDir()
    this.say(this.ui.t(resetLab(dir) ? 'lab.removed' : 'lab.none', { dir }))
  }
}
