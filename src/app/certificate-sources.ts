import type { BatchItem, CertificateEvent } from '../cert/events.js'
import type { ThreadProgram } from '../hardware/soft-store/file-reader.js'
import { readOffloaded } from '../hardware/soft-store/read-certificates.js'
import { readStoreCertificates } from '../hardware/store-certificates.js'
import type { WindowsStoreName } from '../hardware/stores/windows-store.js'
import { readTokenCertificates } from '../hardware/token-certificates.js'
import { openTokens } from '../hardware/tokens.js'
import { realProviderFactory } from '../hardware/token-provider.js'
import type { BankProfile } from '../profile/types.js'
import { UkeyError } from '../errors.js'
import { passwordProvider } from './password.js'
import { pinSource } from './pin.js'
import { profileOf, type TokenOptions } from './context.js'
import { parseAt, parseTz } from './instant.js'
import type { Io } from './io.js'

export interface SourceOptions extends TokenOptions {
  recursive: boolean
  'password-stdin': boolean
  token: boolean
  login: boolean
  /** --store: a system certificate store (Windows). */
  store?: string
  /** Not a flag: false when nothing shows the certificates' SHA-256 (check-window --quiet and its table; ReadOptions.fingerprints). */
  fingerprints?: boolean
  /** Not a flag: true when no certificate's DER is read after its batch (check-window, show-cert; ReadOptions.reuse). */
  reuse?: boolean
}

/** What check-window and show-cert share: the inputs, the instant and time zone, JSON or not. */
export interface CertificateCommandOptions extends SourceOptions {
  /** Certificate files or directories; `-` for standard input. */
  inputs: string[]
  /** The instant to evaluate at (ISO 8601 or +30d); default: the Io clock. */
  at?: string
  tz?: string
  json: boolean
}

/** The instant, the time zone and the profile of a certificate command (usage errors thrown before anything is read). */
export function certificateSettings(options: CertificateCommandOptions, io: Io): { at: Date; tz: string | undefined; profile: BankProfile } {
  return { at: parseAt(options.at, io.now()), tz: parseTz(options.tz), profile: profileOf(io, options.profile, { use: options.lab, dir: options['lab-dir'] }) }
}

/**
 * The certificates a command reads: files named on the command line, then the
 * plugged keys when --token, --serial or --label asks for them (or --lab, whose
 * certificates live on its token), then the system store --store names. One
 * stdin: a PIN or a password, not both.
 */
export function certificateSources(inputs: string[], flags: SourceOptions, profile: BankProfile, io: Io): AsyncGenerator<CertificateEvent[]>
/** With `offload`, the files a batch thread did whole come as OffloadedRun items (check-window: src/app/window-offload.ts). */
export function certificateSources(inputs: string[], flags: SourceOptions, profile: BankProfile, io: Io, offload: (() => Promise<ThreadProgram | undefined>) | undefined): AsyncGenerator<BatchItem[]>
export async function* certificateSources(inputs: string[], flags: SourceOptions, profile: BankProfile, io: Io, offload?: () => Promise<ThreadProgram | undefined>): AsyncGenerator<BatchItem[]> {
  const wantTokens = flags.token || flags.login || Boolean(flags.serial) || Boolean(flags.label) || (flags.lab && inputs.length === 0)
  if (inputs.length === 0 && !wantTokens && !flags.store) throw new UkeyError('USAGE', { key: 'usage.noInputs' })
  const stdinUsers = [inputs.includes('-') && '-', flags['password-stdin'] && '--password-stdin', flags['pin-stdin'] && '--pin-stdin'].filter(Boolean)
  if (stdinUsers.length > 1) throw new UkeyError('USAGE', { key: 'usage.stdinTwice', params: { flags: stdinUsers.join(', ') } })
  if (inputs.length) yield* readOffloaded({
      inputs,
      recursive: flags.recursive,
      password: passwordProvider(io, { stdin: flags['password-stdin'] }),
      // Only when `-` is read: opening process.stdin costs start-up (src/commands/io.ts).
      get stdin() {
        return io.stdin
      },
      offload,
      // The bench's and the tests' thread switches (bench/run.sh's crossover part).
      threads: { off: io.env['UKEY_READ_THREAD'] === 'off', programFrom: Number(io.env['UKEY_BATCH_FROM']) || undefined, ringSlots: Number(io.env['UKEY_RING_SLOTS']) || undefined },
      fingerprints: flags.fingerprints !== false,
      reuse: flags.reuse === true,
    })
  if (flags.store) yield* readStoreCertificates(flags.store as WindowsStoreName)
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
