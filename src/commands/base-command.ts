import { Command, Flags, Errors } from '@oclif/core'
import { say, type Io } from '../app/io.js'
import type { Ui } from '../app/ui.js'
import { reportFailure } from './failure.js'
import { processIo } from './io.js'

/** Global flags; every flag's help text is in the catalogues (src/i18n/help.*.ts), read by src/commands/help-class.ts. */
export const baseFlags = {
  lang: Flags.string({ options: ['zh-CN', 'zh', 'en'], helpGroup: 'GLOBAL' }),
  profile: Flags.string({ helpGroup: 'GLOBAL' }),
  debug: Flags.boolean({ helpGroup: 'GLOBAL' }),
  verbose: Flags.boolean({ helpGroup: 'GLOBAL' }),
}

/**
 * Shared by every command: this process as the Io a use case runs with
 * (src/app/io.ts), and the one handler that turns any failure into a message in
 * the user's language and a documented exit code (src/commands/failure.ts).
 * Stack traces only with --debug.
 */
export abstract class UkeyCommand extends Command {
  static override baseFlags = baseFlags

  private _io: Io | undefined

  /** The streams, terminal facts, environment, clock and prompt, made on first use. */
  protected get io(): Io {
    this._io ??= processIo(this.argv)
    return this._io
  }

  protected get ui(): Ui {
    return this.io.ui
  }

  protected say(text: string): void {
    say(this.io, text)
  }

  override async catch(err: Error & { exitCode?: number }): Promise<void> {
    reportFailure(err, {
      ui: this.ui,
      commandId: this.id,
      // oclif's own parse errors (unknown flag, missing argument): a usage error.
      asUsage: (e) => (e instanceof Errors.CLIError ? { message: e.message, exit: e.oclif?.exit } : undefined),
      vocabulary: { flags: Object.keys({ ...this.ctor.baseFlags, ...this.ctor.flags }) },
    })
  }
}
