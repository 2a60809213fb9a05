import type { UkeyError } from '../errors.js'
import type { BankProfile } from '../profile/types.js'
import { reportInput } from './failure.js'
import { chooseProfile, type LabChoice } from './profile-choice.js'
import { makeUi, rawFlag, type Ui } from './ui.js'

/**
 * What a command's body needs from its surroundings, whether oclif runs it or
 * a fast path does: the terminal, the bank profile, where a failed input is reported.
 */
export interface CommandContext {
  readonly ui: Ui
  profile(file: string | undefined, lab?: LabChoice): BankProfile
  reportInput(error: UkeyError): void
}

/** The terminal facts of a command line, read before any parser has run (errors can strike before parsing). */
export function uiOfArgv(argv: readonly string[]): Ui {
  // JSON is read by scripts and support staff: its texts carry the technical detail too, as with --verbose.
  const verbose = argv.includes('--verbose') || argv.includes('--json') || rawFlag(argv, 'output') === 'json'
  return makeUi({ lang: rawFlag(argv, 'lang'), debug: argv.includes('--debug'), verbose })
}

/** A context over raw argv; the Ui is made on first use, as in UkeyCommand. */
export function argvContext(argv: readonly string[]): CommandContext {
  let ui: Ui | undefined
  return {
    get ui() {
      ui ??= uiOfArgv(argv)
      return ui
    },
    profile: chooseProfile,
    reportInput(error) {
      reportInput(this.ui, error)
    },
  }
}
