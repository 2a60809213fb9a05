import { Flags } from '@oclif/core'
import { run } from '../app/detect.js'
import { UkeyCommand } from './base-command.js'
import { moduleFlags, selectFlags } from './token-flags.js'
import { outputFlags } from './output-flags.js'

export default class Detect extends UkeyCommand {
  static override flags = {
    ...moduleFlags,
    ...selectFlags,
    'key-number': Flags.string(),
    ...outputFlags,
    usb: Flags.boolean({ default: true, allowNo: true }),
    all: Flags.boolean(),
    watch: Flags.boolean(),
    interval: Flags.integer({ default: 500, min: 50, hidden: true }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Detect)
    if (!flags.watch) {
      process.exitCode = await run(flags, this.io)
      return
    }
    // Ctrl-C (or a service manager's TERM) ends the watch: the last line says it stopped.
    const stop = new AbortController()
    const onSignal = (): void => stop.abort()
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
    try {
      process.exitCode = await run({ ...flags, signal: stop.signal }, this.io)
    } finally {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  }
}
