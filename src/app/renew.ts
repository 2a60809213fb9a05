import { UkeyError } from '../errors.js'
import { realProviderFactory } from '../hardware/token-provider.js'
import { openTokens } from '../hardware/tokens.js'
import { EXIT, exitCodeOf } from '../output/exit-codes.js'
import { doneText, dryRunText, planText, renewRecord, statusRecord, statusText, type RenewJsonStep, type RenewKnown } from '../output/renew-render.js'
import { defaultLabDir } from '../platform/paths.js'
import { defaultJournalDir, listJournals, type RenewalStep } from '../renewal/journal.js'
import type { Checkpoint, RenewEvent, RenewPlan, RenewResult } from '../renewal/transaction.js'
import { profileOf, type TokenOptions } from './context.js'
import { parseTz } from './instant.js'
import type { Io } from './io.js'
import { pinSource } from './pin.js'
import { StepSpinner } from './progress.js'
import { withTerminal } from './ui.js'

export interface RenewOptions extends TokenOptions {
  /** The certificate to renew (its CKA_ID, hex), when the key holds several. */
  id?: string
  /** The number printed on the key's case: checked against the plugged key's vendor before anything changes. */
  'key-number'?: string
  yes: boolean
  'dry-run': boolean
  status: boolean
  server?: string
  json: boolean
  tz?: string
  /**
   * Called at each checkpoint of the transaction — a step's name once its end is journalled,
   * `old-removed:<kind>` after each single removal (the fault-matrix tests stop the process there).
   */
  checkpoint?: Checkpoint
  /** Aborted by Ctrl-C, SIGTERM or SIGHUP: the renewal stops at its next safe point (exit 31, or 130 before any change). */
  signal?: AbortSignal
}

/** `ukey renew` (and `--status`): the renewal transaction with its plan, progress and result. Returns the exit code. */
export async function run(options: RenewOptions, io: Io): Promise<number> {
  const tz = parseTz(options.tz)
  const profile = profileOf(io, options.profile, { use: options.lab, dir: options['lab-dir'] })
  const ui = io.ui
  const journalDir = options.lab ? defaultJournalDir({ labDir: options['lab-dir'] ?? defaultLabDir() }) : defaultJournalDir()

  if (options.status) {
    const all = listJournals(journalDir)
    const pending = all.filter((j) => j.data.state === 'open')
    const exitCode = pending.length ? EXIT.RENEWAL_INTERRUPTED : EXIT.OK
    const doc = { dir: journalDir, lab: profile.lab, exitCode, at: io.now(), policy: profile.window }
    io.stdout.write(options.json ? JSON.stringify(statusRecord(pending, all, doc), null, 2) + '\n' : statusText(pending, all.length - pending.length, journalDir, ui.t))
    return exitCode
  }

  const steps: RenewJsonStep[] = []
  let known: RenewKnown | undefined
  const progress = options.json ? undefined : new RenewProgress(io, (plan) => planText(plan, ui.t, tz))
  // The transaction's modules load while the PKCS#11 module opens (bench/renew: both are on the way to the first step).
  const loading = import('../renewal/transaction.js')
  loading.catch(() => undefined)
  io.applyEnvironment(profile.pkcs11.environment)
  const ctx = await openTokens(profile, realProviderFactory, { module: options.module })
  let result: RenewResult | undefined
  try {
    const { renew } = await loading
    if (profile.lab && !options.json) io.stderr.write(ui.t('lab.banner') + '\n')
    result = await renew({
      ctx,
      selector: { ...(options.serial ? { serial: options.serial } : {}), ...(options.label ? { label: options.label } : {}) },
      ...(options['key-number'] ? { keyNumber: options['key-number'] } : {}),
      ...(options.id ? { certId: options.id } : {}),
      pin: pinSource(io, { stdin: options['pin-stdin'] }),
      force: options.force,
      journalDir,
      ...(options.server ? { serverUrl: options.server } : {}),
      ...(profile.renewal?.proxy ? { transfer: { proxy: profile.renewal.proxy } } : {}),
      dryRun: options['dry-run'],
      ...(options.yes || options['dry-run'] ? {} : { confirm: () => confirm(io, options.signal) }),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
      onEvent: (e) => {
        if (e.type === 'known') known = { token: e.token, plan: e.plan ?? known?.plan, journal: e.journal ?? known?.journal }
        progress?.on(e)
        if (e.type === 'step' && e.phase === 'end') steps.push({ step: e.step, ms: e.ms ?? 0 })
      },
    })
  } catch (e) {
    progress?.fail()
    if (options.json && e instanceof UkeyError) {
      io.stdout.write(JSON.stringify(renewRecord({ error: e, ...(known ? { known } : {}), steps, lab: profile.lab, exitCode: exitCodeOf(e), at: io.now(), policy: profile.window }, ui.t), null, 2) + '\n')
    }
    throw e
  } finally {
    progress?.stop()
    await ctx.provider.close()
  }

  const exitCode = result.outcome === 'dry-run' && !result.ready ? EXIT.RENEWAL_INTERRUPTED : EXIT.OK
  if (options.json) {
    io.stdout.write(JSON.stringify(renewRecord({ result, steps, lab: profile.lab, exitCode, at: io.now(), policy: profile.window }, ui.t), null, 2) + '\n')
  } else if (result.outcome === 'dry-run') {
    io.stdout.write(planText(result.plan, ui.t, tz) + dryRunText(result, ui.t))
  } else if (result.outcome === 'cancelled') {
    io.stdout.write(ui.t('renew.cancelled') + '\n')
  } else {
    io.stdout.write(doneText(result, ui.t, tz))
  }
  return exitCode
}

/** One question after the plan is shown; without a terminal to ask on, --yes is required. */
async function confirm(io: Io, signal: AbortSignal | undefined): Promise<boolean> {
  const ui = io.ui
  if (!ui.canPrompt) throw new UkeyError('RENEWAL_NEEDS_CONFIRMATION')
  return withTerminal(ui, () => io.prompt.confirm(ui.t('renew.confirm'), true, signal))
}

/** One line per step: a spinner while it runs on a terminal, a tick when it ends; plain lines otherwise. */
class RenewProgress {
  private readonly spinner: StepSpinner
  private current: RenewalStep | undefined
  private countdown: NodeJS.Timeout | undefined

  constructor(
    private readonly io: Io,
    private readonly describe: (plan: RenewPlan) => string,
  ) {
    this.spinner = new StepSpinner(io)
  }

  on(e: RenewEvent): void {
    const t = this.io.ui.t
    if (e.type === 'plan') {
      this.spinner.line(this.describe(e.plan).trimEnd())
    } else if (e.type === 'resume') {
      this.spinner.line(e.after ? t('renew.resume', { journal: e.journal, step: t(`renew.step.${e.after}`) }) : t('renew.resumeStart', { journal: e.journal }))
    } else if (e.type === 'rollback') {
      this.spinner.line(t('renew.rollback', { detail: e.detail }))
    } else if (e.type === 'waiting') {
      this.wait(e.seconds, e.poll)
    } else if (e.type === 'known') {
      return
    } else if (e.phase === 'begin') {
      this.current = e.step
      this.spinner.begin(t(`renew.step.${e.step}`))
    } else {
      this.clearCountdown()
      this.spinner.succeed(`${t(`renew.step.${e.step}`)}${e.ms ? t('renew.stepTime', { seconds: (e.ms / 1000).toFixed(1) }) : ''}`)
      this.current = undefined
    }
  }

  fail(): void {
    this.clearCountdown()
    if (this.current) this.spinner.fail(this.io.ui.t(`renew.step.${this.current}`))
  }

  stop(): void {
    this.clearCountdown()
    this.spinner.end()
  }

  /** The bank said "wait": a visible countdown to the next question. */
  private wait(seconds: number, poll: number): void {
    const t = this.io.ui.t
    if (!this.spinner.live) {
      this.spinner.line(t('renew.waiting', { seconds, poll }))
      return
    }
    this.clearCountdown()
    let left = seconds
    const show = (): void => {
      this.spinner.setText(t('renew.waiting', { seconds: left, poll }))
    }
    show()
    this.countdown = setInterval(() => {
      left = Math.max(0, left - 1)
      show()
    }, 1000)
    this.countdown.unref()
  }

  private clearCountdown(): void {
    if (this.countdown) clearInterval(this.countdown)
    this.countdown = undefined
  }
}
