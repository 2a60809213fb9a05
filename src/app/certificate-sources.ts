import type { CertificateEvent } from '../cert/events.js'
import { readCertificates } from '../hardware/soft-store/read-certificates.js'
import { readTokenCertificates } from '../hardware/token-certificates.js'
import { openTokens } from '../hardware/tokens.js'
import { realProviderFactory } from '../hardware/token-provider.js'
import type { BankProfile } from '../profile/types.js'
import { usageError } from '../errors.js'
import { passwordProvider } from './password.js'
import { pinSource } from './pin.js'
import type { Io } from './io.js'

export interface SourceOptions {
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
export async function* certificateSources(inputs: string[], flags: SourceOptions, profile: BankProfile, io: Io): AsyncGenerator<CertificateEvent[]> {
  const wantTokens = flags.token || flags.login || Boolean(flags.serial) || Boolean(flags.label) || (flags.lab && inputs.length === 0)
  if (inputs.length === 0 && !wantTokens) throw usageError('name certificate files or directories, or use --token to read the plugged USB keys')
  const stdinUsers = [inputs.includes('-') && '-', flags['password-stdin'] && '--password-stdin', flags['pin-stdin'] && '--pin-stdin'].filter(Boolean)
  if (stdinUsers.length > 1) throw usageError(`${stdinUsers.join(' and ')} cannot both read standard input`)
  if (inputs.length) yield* readCertificates({ inputs, recursive: flags.recursive, password: passwordProvider(io, { stdin: flags['password-stdin'] }), stdin: io.stdin })
  if (wantTokens) {
    io.applyEnvironment(profile.pkcs11.environment)
    const ctx = await openTokens(profile, realProviderFactory, { module: flags.module })
    try {
      yield* readTokenCertificates(ctx, { selector: { serial: flags.serial, label: flags.label }, pin: pinSource(io, { stdin: flags['pin-stdin'] }), force: flags.force, login: flags.login })
    } finally {
      await ctx.provider.close()
    }
  }
}
