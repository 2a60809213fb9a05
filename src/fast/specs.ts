// Build time (scripts/build.mjs) and tests only: loads @oclif/core.
import { Args, Flags } from '@oclif/core'
import CheckWindow from '../commands/check-window.js'
import Detect from '../commands/detect.js'
import Diagnose from '../commands/diagnose.js'
import Renew from '../commands/renew.js'
import { commandSpec, type CommandSpec } from './flag-spec.js'

const parsers = () => ({ boolean: Flags.boolean().parse, option: Flags.string().parse, arg: Args.string().parse })

/** The flag specs the fast paths parse with, read off the oclif command classes. */
export function fastSpecs(): Record<string, CommandSpec> {
  return {
    'check-window': commandSpec('check-window', CheckWindow, parsers()),
    // --watch runs until a signal (handled in the command) and --interval is an integer: oclif's.
    detect: commandSpec('detect', Detect, parsers(), { strict: true, oclifOnly: ['watch', 'interval'] }),
    // --soft-store is repeatable (oclif's multipleNonGreedy).
    diagnose: commandSpec('diagnose', Diagnose, parsers(), { strict: true, oclifOnly: ['soft-store'] }),
    renew: commandSpec('renew', Renew, parsers(), { strict: true }),
  }
}

/** check-window's spec (its tests predate the other fast paths). */
export function checkWindowSpec(): CommandSpec {
  return fastSpecs()['check-window']!
}
