import { Args, Flags } from '@oclif/core'
import { UkeyCommand } from './base-command.js'
import { moduleFlags, pinFlags, selectFlags, storeFlags } from './token-flags.js'
import { run } from '../app/show-cert.js'

export default class ShowCert extends UkeyCommand {
  static override summary = 'Show certificates in full: subject, issuer, validity, renewal state, key, usages, fingerprints'
  static override description = `What "Show certificate" in the vendor's management tool shows (FAQ 12.1), and more: subject and issuer, serial (hex), validity in local time and UTC, days left and the renewal window state, key algorithm and size (RSA, EC, SM2), key usage, extended key usage, subject alternative names, key identifiers, SHA-256 and SHA-1 fingerprints, whether it is self-signed.
Inputs as for check-window: PEM, DER, PKCS#7, PKCS#12, directories (--recursive), - for standard input.
Exit codes: 0 when every input was read, 3 when one could not be (the others are still shown).`

  static override examples = [
    '<%= config.bin %> <%= command.id %> cert.pem',
    '<%= config.bin %> <%= command.id %> customer.pfx --lang en',
    '<%= config.bin %> <%= command.id %> --token                     # what is on the plugged USB key',
    '<%= config.bin %> <%= command.id %> --lab                       # the lab token\'s certificate',
    '<%= config.bin %> <%= command.id %> --store my                  # Windows: the certificates installed for this user, with the key\'s provider',
    'UKEY_P12_PASSWORD=… <%= config.bin %> <%= command.id %> customer.pfx --json',
  ]

  static override args = {
    // ignoreStdin: oclif would otherwise take piped stdin (a PIN, a password) as the first input.
    inputs: Args.string({ description: 'certificate files or directories; - for standard input (or --token for the plugged USB keys)', ignoreStdin: true }),
  }
  static override strict = false

  static override flags = {
    recursive: Flags.boolean({ char: 'r', description: 'descend into subdirectories' }),
    json: Flags.boolean({ description: 'one JSON document' }),
    at: Flags.string({ description: 'evaluate the renewal window at this instant (ISO 8601 or +30d)' }),
    tz: Flags.string({ description: 'time zone for dates shown to people (IANA name, default: the system\'s)' }),
    'password-stdin': Flags.boolean({ description: 'read the PKCS#12 password from the first line of standard input' }),
    token: Flags.boolean({ description: 'show the certificates on every plugged USB key', helpGroup: 'TOKEN' }),
    ...storeFlags,
    ...selectFlags,
    ...moduleFlags,
    ...pinFlags,
  }

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ShowCert)
    process.exitCode = await run({ ...flags, inputs: argv as string[] }, this.io)
  }
}
