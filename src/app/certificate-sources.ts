import { readCertificates, type CertificateEvent } from '../hardware/soft-store/read-certificates.js'
import { readTokenCertificates } from '../hardware/token-certificates.js'
import { openTokens } from '../hardware/tokens.js'
import { realProviderFactory } from '../hardware/token-provider.js'
import type { BankProfile } from '../profile/types.js'
import { UkeyError } from '../errors.js'
import { passwordProvider } from './password.js'
import { pinSource } from './pin.js'
import type { Ui } from './ui.js'

export interface SourceFlags {
  recursive: boolean
  'password-stdin': boolean
  token: boolean
  serial?: string
  label?: string
  module?: string
  lab: boolean
  'pin-stdin': boolean
  force: boolean
  login: boolean
}

/**
 * The certificates a command reads: files named on the command line, then the
 * plugged keys when --token, --serial or --label asks for them (or --lab, whose
 * certificates live on its token). One stdin: a PIN or a password, not both.
 */
export async function* certificateSources(inputs: string[], flags: SourceFlags, profile: BankProfile, ui: Ui): AsyncGenerator<CertificateEvent[]> {
  const wantTokens = flags.token || flags.login || Boolean(flags.serial) || Boolean(flags.label) || (flags.lab && inputs.length === 0)
  if (inputs.length === 0 && !wantTokens) throw new UkeyError('USAGE', { key: 'usage.noInputs' })
  const stdinUsers = [inputs.includes('-') && '-', flags['password-stdin'] && '--password-stdin', flags['pin-stdin'] && '--pin-stdin'].filter(Boolean)
  if (stdinUsers.length > 1) throw new UkeyError('USAGE', { key: 'usage.stdinTwice', params: { flags: stdinUsers.join(', ') } })
  if (inputs.length) yield* readCertificates({ inputs, recursive: flags.recursive, password: passwordProvider(ui, { stdin: flags['password-stdin'] }) })
  if (wantTokens) {
    const ctx = await openTokens(profile, realProviderFactory, { module: flags.module })
    try {
      yield* readTokenCertificates(ctx, { selector: { serial: flags.serial, label: flags.label }, pin: pinSource(ui, { stdin: flags['pin-stdin'] }), force: flags.force, login: flags.login })
    } finally {
      await ctx.provider.close()
    }
  }
}
