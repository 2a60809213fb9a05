import type { UkeyError } from '../errors.js'
import type { BankProfile } from '../profile/types.js'
import { terminalParams } from '../output/terminal-text.js'
import type { Io } from './io.js'
import { say } from './io.js'
import { chooseProfile, type LabChoice } from './profile-choice.js'

/** Which bank profile: `--profile`, `--lab` / `--lab-dir`. */
export interface ProfileOptions {
  profile?: string
  lab: boolean
  'lab-dir'?: string
}

/** Which key and how to log in to it: every command that reaches a token through PKCS#11. */
export interface TokenOptions extends ProfileOptions {
  serial?: string
  label?: string
  /** A PKCS#11 module instead of discovery. */
  module?: string
  'pin-stdin': boolean
  /** Log in even on the final PIN try. */
  force: boolean
}

/** `--profile`, else `--lab` (the lab's own profile), else UKEY_PROFILE, the user's file or the built-in one. */
export function profileOf(io: Io, file: string | undefined, lab?: LabChoice): BankProfile {
  return chooseProfile(file, lab, io.env)
}

/** One line on stderr for a failed input: the batch goes on. */
export function reportInput(io: Io, error: UkeyError): void {
  // Paths and subjects are someone else's text: escapes shown, never sent to the terminal (output/terminal-text.ts).
  say(io, io.ui.t('error.line', { message: io.ui.t(error.key, terminalParams(error.params)) }))
}
