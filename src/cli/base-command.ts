import { Command, Flags, Errors } from '@oclif/core'
import { UkeyError, isUkeyError } from '../errors.js'
import { EXIT } from '../exit-codes.js'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { defaultLabDir } from '../lab/paths.js'
import { loadProfile } from '../profile/load.js'
import type { BankProfile } from '../profile/types.js'
import { makeUi, rawFlag, type Ui } from './ui.js'

export const baseFlags = {
  lang: Flags.string({
    description: 'language of messages: zh-CN or en (default: LC_ALL / LC_MESSAGES / LANG, else zh-CN)',
    options: ['zh-CN', 'zh', 'en'],
    helpGroup: 'GLOBAL',
  }),
  profile: Flags.string({ description: 'bank profile (JSON) instead of the user profile or the built-in FAQ values', helpGroup: 'GLOBAL' }),
  debug: Flags.boolean({ description: 'show internal details (stack traces) on failure; never secrets', helpGroup: 'GLOBAL' }),
}

/**
 * Shared by every command: the terminal facts, the bank profile, and the one
 * handler that turns any failure into a message in the user's language and a
 * documented exit code. Stack traces only with --debug.
 */
export abstract class UkeyCommand extends Command {
  static override baseFlags = baseFlags

  private _ui: Ui | undefined

  protected get ui(): Ui {
    this._ui ??= makeUi({ lang: rawFlag(this.argv, 'lang'), debug: this.argv.includes('--debug') })
    return this._ui
  }

  /** `--profile`, else `--lab` (the lab's own profile), else UKEY_PROFILE, the user's file or the built-in one. */
  protected profile(file: string | undefined, lab?: { use: boolean; dir?: string }): BankProfile {
    if (!file && lab?.use) {
      const dir = lab.dir ?? defaultLabDir()
      if (!existsSync(join(dir, 'profile.json'))) throw new UkeyError('LAB_MISSING', { params: { dir } })
      return loadProfile(join(dir, 'profile.json'))
    }
    return loadProfile(file ?? process.env['UKEY_PROFILE'])
  }

  protected say(text: string): void {
    process.stderr.write(text + '\n')
  }

  /** One line on stderr for a failed input: the batch goes on. */
  protected reportInput(error: UkeyError): void {
    this.say(this.ui.t('error.line', { message: this.ui.t(error.key, error.params) }))
  }

  override async catch(err: Error & { exitCode?: number }): Promise<void> {
    const { t, debug } = this.ui
    const line = (message: string): void => this.say(t('error.line', { message }))
    if (isUkeyError(err)) {
      // A wrapped failure (e.g. the key pulled out during a renewal) says what happened first, then what it means.
      if (isUkeyError(err.cause)) line(t(err.cause.key, err.cause.params))
      line(t(err.key, err.params))
      for (const a of err.actions) this.say(`  → ${t(a)}`)
      if (debug && err.cause instanceof Error) this.say(String(err.cause.stack))
      process.exitCode = err.exitCode
      return
    }
    if (err instanceof Errors.CLIError) {
      // oclif's own parse errors (unknown flag, missing argument): a usage error.
      const exit = (err as Errors.CLIError).oclif?.exit
      if (exit === 0) return
      line(err.message.replace(/\nSee more help with --help$/, ''))
      this.say(`  → ukey ${this.id ?? ''} --help`)
      process.exitCode = typeof exit === 'number' && exit !== 1 ? exit : EXIT.USAGE
      return
    }
    const ue = new UkeyError('INTERNAL', { params: { detail: err.message || String(err) }, cause: err })
    line(t(ue.key, ue.params))
    this.say(debug ? String(err.stack) : `  → ${t('error.debugHint')}`)
    process.exitCode = EXIT.FAILURE
  }
}

export function usageError(detail: string): UkeyError {
  return new UkeyError('USAGE', { params: { detail } })
}
