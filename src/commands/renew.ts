import { Flags } from '@oclif/core'
import { UkeyCommand } from './base-command.js'
import { parseTz } from '../app/instant.js'
import { pinSource } from '../app/pin.js'
import { moduleFlags, selectFlags } from './token-flags.js'
import { askYesNo } from '../app/confirm.js'
import type { Ui } from '../app/ui.js'
import { UkeyError } from '../errors.js'
import { EXIT } from '../output/exit-codes.js'
import { openTokens } from '../hardware/tokens.js'
import { realProviderFactory } from '../hardware/token-provider.js'
import { defaultLabDir } from '../lab/paths.js'
import { doneText, dryRunText, planText, renewRecord, statusRecord, statusText, type RenewJsonStep } from '../output/renew-render.js'
import { defaultJournalDir, listJournals, type RenewalStep } from '../renewal/journal.js'
import type { RenewEvent, RenewPlan, RenewResult } from '../renewal/transaction.js'

export default class Renew extends UkeyCommand {
  static override flags = {
    ...selectFlags,
    id: Flags.string({ helpGroup: 'TOKEN' }),
    ...moduleFlags,
    'pin-stdin': Flags.boolean({ helpGroup: 'TOKEN' }),
    force: Flags.boolean({ helpGroup: 'TOKEN' }),
    yes: Flags.boolean({ char: 'y' }),
    'dry-run': Flags.boolean(),
    status: Flags.boolean(),
    server: Flags.string(),
    json: Flags.boolean(),
    tz: Flags.string(),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Renew)
    const tz = parseTz(flags.tz)
    const profile = this.profile(flags.profile, { use: flags.lab, dir: flags['lab-dir'] })
    const ui = this.ui
    const journalDir = flags.lab ? defaultJournalDir({ labDir: flags['lab-dir'] ?? defaultLabDir() }) : defaultJournalDir()

    if (flags.status) {
      const all = listJournals(journalDir)
      const pending = all.filter((j) => j.data.state === 'open')
      process.stdout.write(flags.json ? JSON.stringify(statusRecord(pending, all, journalDir), null, 2) + '\n' : statusText(pending, all.length - pending.length, journalDir, ui.t))
      process.exitCode = pending.length ? EXIT.RENEWAL_INTERRUPTED : EXIT.OK
      return
    }

    const steps: RenewJsonStep[] = []
    const progress = flags.json ? undefined : new StepProgress(ui, (plan) => planText(plan, ui.t, tz))
    const { renew } = await import('../renewal/transaction.js')
    const ctx = await openTokens(profile, realProviderFactory, { module: flags.module })
    let result: RenewResult | undefined
    try {
      if (profile.lab && !flags.json) process.stderr.write(ui.t('lab.banner') + '\n')
      result = await renew({
        ctx,
        selector: { ...(flags.serial ? { serial: flags.serial } : {}), ...(flags.label ? { label: flags.label } : {}) },
        ...(flags.id ? { certId: flags.id } : {}),
        pin: pinSource(ui, { stdin: flags['pin-stdin'] }),
        force: flags.force,
        journalDir,
        ...(flags.server ? { serverUrl: flags.server } : {}),
        dryRun: flags['dry-run'],
        ...(flags.yes || flags['dry-run'] ? {} : { confirm: () => this.confirm() }),
        onEvent: (e) => {
          if (e.type === 'step' && e.phase === 'end') steps.push({ step: e.step, ms: e.ms ?? 0 })
          progress?.on(e)
          crashForTests(e)
        },
      })
    } catch (e) {
      progress?.fail()
      if (flags.json && e instanceof UkeyError) {
        process.stdout.write(JSON.stringify(renewRecord({ error: e, steps, lab: profile.lab, exitCode: e.exitCode }, ui.t), null, 2) + '\n')
      }
      throw e
    } finally {
      progress?.stop()
      await ctx.provider.close()
    }

    const exitCode = result.outcome === 'dry-run' && !result.ready ? EXIT.RENEWAL_INTERRUPTED : EXIT.OK
    if (flags.json) {
      process.stdout.write(JSON.stringify(renewRecord({ result, steps, lab: profile.lab, exitCode }, ui.t), null, 2) + '\n')
    } else if (result.outcome === 'dry-run') {
      process.stdout.write(planText(result.plan, ui.t, tz) + dryRunText(result, ui.t))
    } else if (result.outcome === 'cancelled') {
      process.stdout.write(ui.t('renew.cancelled') + '\n')
    } else {
      process.stdout.write(doneText(result, ui.t, tz))
    }
    process.exitCode = exitCode
  }

  /** One question after the plan is shown; without a terminal to ask on, --yes is required. */
  private async confirm(): Promise<boolean> {
    const ui = this.ui
    if (!ui.canPrompt) throw new UkeyError('RENEWAL_NEEDS_CONFIRMATION')
    return askYesNo(ui, ui.t('renew.confirm'), true)
  }
}

/**
 * A SIGKILL at an exact point, for the fault-matrix tests: `UKEY_TEST_CRASH_AFTER=<step>`
 * kills the process as soon as that step's end is in the journal — what a power cut
 * or a killed process does, with no chance to clean up.
 */
function crashForTests(e: RenewEvent): void {
  const at = process.env['UKEY_TEST_CRASH_AFTER']
  if (at && e.type === 'step' && e.phase === 'end' && e.step === at) process.kill(process.pid, 'SIGKILL')
}

/** One line per step: a spinner while it runs on a terminal, a tick when it ends; plain lines otherwise. */
class StepProgress {
  private spinner: { text: string; start(): unknown; stop(): unknown; succeed(t?: string): unknown; fail(t?: string): unknown } | undefined
  private current: RenewalStep | undefined
  private countdown: NodeJS.Timeout | undefined
  private readonly tty: boolean
  private ora: Promise<typeof import('ora')> | undefined

  constructor(
    private readonly ui: Ui,
    private readonly describe: (plan: RenewPlan) => string,
  ) {
    this.tty = ui.stderrIsTTY && process.stderr.columns > 0
    // Loaded while the plan is read and the PIN typed: the first step's spinner then starts at once.
    if (this.tty) this.ora = import('ora')
  }

  on(e: RenewEvent): void {
    const t = this.ui.t
    if (e.type === 'plan') {
      this.line(this.describe(e.plan).trimEnd())
    } else if (e.type === 'resume') {
      this.line(e.after ? t('renew.resume', { journal: e.journal, step: t(`renew.step.${e.after}`) }) : t('renew.resumeStart', { journal: e.journal }))
    } else if (e.type === 'rollback') {
      this.line(t('renew.rollback', { detail: e.detail }))
    } else if (e.type === 'waiting') {
      this.wait(e.seconds, e.poll)
    } else if (e.phase === 'begin') {
      this.current = e.step
      if (this.tty) void this.spin(t(`renew.step.${e.step}`))
    } else {
      this.clearCountdown()
      const text = `${t(`renew.step.${e.step}`)}${e.ms ? t('renew.stepTime', { seconds: (e.ms / 1000).toFixed(1) }) : ''}`
      if (this.spinner && this.current === e.step) this.spinner.succeed(text)
      else this.line(`✓ ${text}`)
      this.spinner = undefined
      this.current = undefined
    }
  }

  fail(): void {
    this.clearCountdown()
    if (this.spinner && this.current) this.spinner.fail(this.ui.t(`renew.step.${this.current}`))
    else if (this.current) this.line(`✗ ${this.ui.t(`renew.step.${this.current}`)}`)
    this.spinner = undefined
  }

  stop(): void {
    this.clearCountdown()
    this.spinner?.stop()
  }

  private line(text: string): void {
    this.spinner?.stop()
    process.stderr.write(text + '\n')
    this.spinner?.start()
  }

  private async spin(text: string): Promise<void> {
    const step = this.current
    const { default: ora } = await (this.ora ??= import('ora'))
    // The step may have ended while the spinner library loaded: its tick is already printed.
    if (this.spinner || this.current !== step) return
    this.spinner = ora({ text, stream: process.stderr })
    this.spinner.start()
    this.ui.activity = { pause: () => this.spinner?.stop(), resume: () => this.spinner?.start() }
  }

  /** The bank said "wait": a visible countdown to the next question. */
  private wait(seconds: number, poll: number): void {
    const t = this.ui.t
    if (!this.tty) {
      this.line(t('renew.waiting', { seconds, poll }))
      return
    }
    this.clearCountdown()
    let left = seconds
    const show = (): void => {
      if (this.spinner) this.spinner.text = t('renew.waiting', { seconds: left, poll })
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
