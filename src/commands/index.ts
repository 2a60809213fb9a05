import CheckWindow from './check-window.js'
import ExitCodes from './exit-codes.js'
import HelpCommand from './help.js'
import ShowCert from './show-cert.js'
import LabSamples from './lab/samples.js'
import LabInit from './lab/init.js'
import LabStatus from './lab/status.js'
import LabReset from './lab/reset.js'
import LabServe from './lab/serve.js'
import Detect from './detect.js'
import Diagnose from './diagnose.js'
import Renew from './renew.js'
import Version from './version.js'
import Completion from './completion.js'

/** oclif's explicit command strategy: no directory scan at start-up. */
export const COMMANDS = {
  'check-window': CheckWindow,
  'show-cert': ShowCert,
  'exit-codes': ExitCodes,
  help: HelpCommand,
  'lab:samples': LabSamples,
  'lab:init': LabInit,
  'lab:status': LabStatus,
  'lab:reset': LabReset,
  'lab:serve': LabServe,
  detect: Detect,
  diagnose: Diagnose,
  renew: Renew,
  version: Version,
  completion: Completion,
}
