import { Args, Flags } from '@oclif/core'
import { UkeyCommand } from './base-command.js'
import { run } from '../app/check-window.js'
import { moduleFlags, pinFlags, selectFlags, storeFlags } from './token-flags.js'
import { WINDOW_FORMATS } from '../output/window-render.js'

export default class CheckWindow extends UkeyCommand {
  static override summary = 'Is each certificate inside its renewal window? (FAQ 4–6)'
  static override description = `Reads certificates from files, directories or standard input (PEM, DER, PKCS#7 .p7b/.p7c, PKCS#12 .pfx/.p12) and tells, for each, its renewal window state:
  not-yet-valid  before notBefore: check the computer's clock (exit 13)
  valid          more than 30 days left: too early to renew (exit 0)
  renewable      within 30 days of expiry: renew now (exit 10)
  grace          expired at most 90 days ago: still renewable (exit 11)
  lapsed         more than 90 days past expiry: new key at the counter (exit 12)
The 30/90 days come from the bank profile. For several inputs the most severe outcome wins (12 > 11 > 10 > 13 > 3 > 0); an unreadable input is reported (exit 3) and never stops the rest.
In directories, files ending in .pem .crt .cer .cert .der .p7b .p7c .pfx .p12 are read; subdirectories with --recursive.
PKCS#12 passwords: --password-stdin, the UKEY_P12_PASSWORD variable, or a masked prompt; never on the command line.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> cert.pem',
    '<%= config.bin %> <%= command.id %> --recursive /srv/branch-certs --output ndjson',
    '<%= config.bin %> <%= command.id %> bundle.p7b --at 2027-01-01T00:00:00Z',
    '<%= config.bin %> <%= command.id %> certs/ --at +30d --quiet || echo "something is due within 30 days"',
    'cat cert.pem | <%= config.bin %> <%= command.id %> - --json',
    '<%= config.bin %> <%= command.id %> --token            # the certificates on the plugged USB keys',
    '<%= config.bin %> <%= command.id %> --serial 2100000012345678 --quiet',
    '<%= config.bin %> <%= command.id %> --store my                   # Windows: the certificates installed for this user',
    '<%= config.bin %> <%= command.id %> -r certs/ --output prometheus > /var/lib/node_exporter/textfile/ukey.prom',
  ]

  static override args = {
    // ignoreStdin: oclif would otherwise take piped stdin (a PIN, a password) as the first input.
    inputs: Args.string({ description: 'certificate files or directories; - for standard input (or --token for the plugged USB keys)', ignoreStdin: true }),
  }
  static override strict = false

  static override flags = {
    recursive: Flags.boolean({ char: 'r', description: 'descend into subdirectories' }),
    at: Flags.string({ description: 'evaluate at this instant (ISO 8601, e.g. 2026-12-01T00:00:00Z) or days from now (+30d)' }),
    output: Flags.string({ char: 'o', description: 'output format', options: [...WINDOW_FORMATS], default: 'table' }),
    json: Flags.boolean({ description: 'one JSON document (same as --output json)', exclusive: ['output', 'quiet'] }),
    quiet: Flags.boolean({ char: 'q', description: 'print nothing; the exit code tells the result', exclusive: ['output'] }),
    tz: Flags.string({ description: 'time zone for dates shown to people (IANA name, default: the system\'s)' }),
    'password-stdin': Flags.boolean({ description: 'read the PKCS#12 password from the first line of standard input' }),
    token: Flags.boolean({ description: 'check the certificates on every plugged USB key', helpGroup: 'TOKEN' }),
    ...storeFlags,
    ...selectFlags,
    ...moduleFlags,
    ...pinFlags,
  }

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(CheckWindow)
    process.exitCode = await run({ ...flags, inputs: argv as string[] }, this.io)
  }
}
