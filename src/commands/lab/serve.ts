import { Flags } from '@oclif/core'
import { LAB_CMP_PORT, run } from '../../app/lab/serve.js'
import { UkeyCommand } from '../base-command.js'

export default class LabServe extends UkeyCommand {
  static override flags = {
    dir: Flags.string(),
    port: Flags.integer({ default: LAB_CMP_PORT, min: 0, max: 65535 }),
    waiting: Flags.integer({ default: 0, min: 0, max: 100 }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(LabServe)
    // Ctrl-C or SIGTERM (a service manager, `kill`) closes the server instead of killing it; its last line names the signal.
    const controller = new AbortController()
    const onSignal = (sig: NodeJS.Signals): void => controller.abort(sig)
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
    try {
      process.exitCode = await run({ ...flags, signal: controller.signal }, this.io)
    } finally {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  }
}
