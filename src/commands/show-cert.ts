import { Args, Flags } from '@oclif/core'
import { UkeyCommand } from '../cli/base-command.js'
import { parseAt, parseTz } from '../cli/instant.js'
import { statePainter } from '../cli/paint.js'
import { certificateSources } from '../cli/certificate-sources.js'
import { moduleFlags, pinFlags, selectFlags } from '../cli/token-flags.js'
import { EXIT, worstExit } from '../exit-codes.js'
import { showCertificates } from '../flows/show-cert.js'
import { TextSink } from '../output/sink.js'
import { showRenderer } from '../output/show-stream.js'

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
    ...selectFlags,
    ...moduleFlags,
    ...pinFlags,
  }

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ShowCert)
    const inputs = argv as string[]
    const at = parseAt(flags.at)
    const tz = parseTz(flags.tz)
    const profile = this.profile(flags.profile, { use: flags.lab, dir: flags['lab-dir'] })
    const ui = this.ui

    // Rendered as the certificates come (output/show-stream.ts): a 10,000-certificate bundle is never held.
    const out = new TextSink(process.stdout)
    const renderer = showRenderer(flags.json, { out, t: ui.t, profile, tz, paint: flags.json ? undefined : statePainter(ui) })
    let exitCode: number = EXIT.OK
    for await (const ev of showCertificates(certificateSources(inputs, flags, profile, ui), { at, profile })) {
      if (ev.type === 'error') {
        exitCode = worstExit(exitCode, ev.error.exitCode)
        this.reportInput(ev.error)
      }
      renderer.event(ev)
      await out.drain()
    }
    renderer.end(exitCode)
    await out.flush()
    process.exitCode = exitCode
  }
}
