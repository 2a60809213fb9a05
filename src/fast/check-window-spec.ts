// Build time (scripts/build.mjs) and tests only: loads @oclif/core.
import { Args, Flags } from '@oclif/core'
import CheckWindow from '../commands/check-window.js'
import { commandSpec, type CommandSpec } from './flag-spec.js'

/** The flag spec the fast path parses check-window with, read off the oclif command class. */
export function checkWindowSpec(): CommandSpec {
  return commandSpec('check-window', CheckWindow, { boolean: Flags.boolean().parse, option: Flags.string().parse, arg: Args.string().parse })
}
