import { Command, Flags, Errors } from '@oclif/core'
import type { UkeyError } from '../errors.js'
import type { BankProfile } from '../profile/types.js'
import { reportFailure, reportInput, say } from '../app/failure.js'
import { uiOfArgv, type CommandContext } from '../app/command-context.js'
import { chooseProfile, type LabChoice } from '../app/profile-choice.js'
import type { Ui } from '../app/ui.js'

export { usageError } from '../app/failure.js'

/** Global flags; every flag's help text is in the catalogues (src/i18n/help.*.ts), read by src/output/help.ts. */
export const baseFlags = {
  lang: Flags.string({ options: ['zh-CN', 'zh', 'en'], helpGroup: 'GLOBAL' }),
  profile: Flags.string({ helpGroup: 'GLOBAL' }),
  debug: Flags.boolean({ helpGroup: 'GLOBAL' }),
  verbose: Flags.boolean({ helpGroup: 'GLOBAL' }),
}

/**
 * Shared by every command: the terminal facts, the bank profile, and the one
 * handler that turns any failure into a message in the user's language and a
 * documented exit code (src/app/failure.ts). Stack traces only with --debug.
 */
export abstract class UkeyCommand extends Command {
  static override baseFlags = baseFlags

  private _ui: Ui | undefined

  protected get ui(): Ui {
    this._ui ??= uiOfArgv(this.argv)
    return this._ui
  }

  /** `--profile`, else `--lab` (the lab's own profile), else UKEY_PROFILE, the user's file or the built-in one. */
  protected profile(file: string | undefined, lab?: LabChoice): BankProfile {
    return chooseProfile(file, lab)
  }

  protected say(text: string): void {
    say(text)
  }

  /** One line on stderr for a failed input: the batch goes on. */
  protected reportInput(error: UkeyError): void {
    reportInput(this.ui, error)
  }

  /** This command as the context a plain command body runs in (src/app/command-context.ts). */
  protected get context(): CommandContext {
    const ui = (): Ui => this.ui
    return {
      get ui() {
        return ui()
      },
      profile: (file, lab) => this.profile(file, lab),
      reportInput: (error) => this.reportInput(error),
    }
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
