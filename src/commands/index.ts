import CheckWindow from './check-window.js'
import ExitCodes from './exit-codes.js'
import HelpCommand from './help.js'
import ShowCert from './show-cert.js'
import LabSamples from './lab/samples.js'

/** oclif's explicit command strategy: no directory scan at start-up. */
export const COMMANDS = {
  'check-window': CheckWindow,
  'show-cert': ShowCert,
  'exit-codes': ExitCodes,
  help: HelpCommand,
  'lab:samples': LabSamples,
}
