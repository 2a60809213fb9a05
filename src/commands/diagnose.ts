import { Args, Flags } from '@oclif/core'
import { UkeyCommand } from './base-command.js'
import { parseAt } from '../app/instant.js'
import { pinSource } from '../app/pin.js'
import { moduleFlags, selectFlags } from './token-flags.js'
import { askYesNo } from '../app/confirm.js'
import { UkeyError } from '../errors.js'
import { realProviderFactory } from '../hardware/token-provider.js'
import { defaultLabDir } from '../lab/paths.js'
import { defaultJournalDir } from '../renewal/journal.js'
import { diagnose, verdictExit } from '../troubleshoot/engine.js'
import { codesRecord, codesText, diagnosisRecord, sayer, stepText, verdictBox, type Paint } from '../output/diagnose-render.js'
import { RULES, findRule, healthRule } from '../troubleshoot/rules/index.js'
import type { Ask, StepOutcome, Verdict } from '../troubleshoot/types.js'

export default class Diagnose extends UkeyCommand {
  static override args = {
    code: Args.string({ ignoreStdin: true }),
  }

  static override flags = {
    list: Flags.boolean(),
    json: Flags.boolean(),
    'no-input': Flags.boolean(),
    'allow-keygen': Flags.boolean(),
    'key-number': Flags.string(),
    'soft-store': Flags.string({ multiple: true, multipleNonGreedy: true }),
    at: Flags.string(),
    ...selectFlags,
    ...moduleFlags,
    'pin-stdin': Flags.boolean({ helpGroup: 'TOKEN' }),
    force: Flags.boolean({ helpGroup: 'TOKEN' }),
  }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Diagnose)
    const ui = this.ui
    const s = sayer(ui.t, ui.lang)
    if (flags.list) {
      process.stdout.write(flags.json ? JSON.stringify(codesRecord(RULES, s), null, 2) + '\n' : codesText(RULES, s) + '\n')
      return
    }
    const rule = args.code === undefined ? healthRule : findRule(args.code)
    if (!rule) {
      throw new UkeyError('USAGE', { params: { detail: `${ui.t('diagnose.unknownCode', { code: args.code! })}\n${codesText(RULES, s)}` }, actions: ['diagnose.action.list'] })
    }
    const at = parseAt(flags.at)
    const profile = this.profile(flags.profile, { use: flags.lab, dir: flags['lab-dir'] })
    const labDir = flags.lab ? (flags['lab-dir'] ?? defaultLabDir()) : undefined
    // Nobody to answer (no terminal, CI, --no-input): questions are unknown, the PIN only from stdin or UKEY_PIN.
    ui.canPrompt = ui.canPrompt && !flags['no-input']
    const ask: Ask = ui.canPrompt
      ? (q) => askYesNo(ui, s(q.text), false)
      : async () => undefined
    const { listUsbKeys } = await import('../hardware/usb/index.js')

    const paint = await painter(ui.color)
    const live = ui.stderrIsTTY && process.stderr.columns > 0 ? (await import('ora')).default : null
    let spinner: { stop(): unknown; start(): unknown } | undefined
    if (!flags.json) {
      if (profile.lab) process.stdout.write(ui.t('lab.banner') + '\n')
      process.stdout.write(`${ui.t('diagnose.header', { code: rule.survey ? ui.t('diagnose.health') : rule.code, title: s(rule.title) })}\n`)
    }
    const report = await diagnose(
      rule,
      {
        profile,
        providerFactory: realProviderFactory,
        module: flags.module,
        listUsb: () => listUsbKeys(),
        journalDir: defaultJournalDir({ labDir }),
        now: () => at,
        pin: pinSource(ui, { stdin: flags['pin-stdin'] }),
        selector: { serial: flags.serial, label: flags.label },
        printedNumber: flags['key-number'],
        softStores: flags['soft-store'] ?? [],
        allowed: flags['allow-keygen'] ? ['test-keygen'] : [],
        force: flags.force,
      },
      {
        ask,
        onEvent: (e) => {
          if (e.type === 'step-start') {
            if (live && e.step.kind === 'check') {
              const sp = live({ text: s(e.step.text), stream: process.stderr }).start()
              spinner = sp
              // A PIN prompt inside a check takes the terminal from the spinner.
              ui.activity = { pause: () => sp.stop(), resume: () => sp.start() }
            }
            return
          }
          spinner?.stop()
          spinner = undefined
          ui.activity = undefined
          if (!flags.json && e.report.outcome !== 'skipped') process.stdout.write(stepText(e.report, s, paint) + '\n')
        },
      },
    )
    const exitCode = verdictExit(report.verdict)
    if (flags.json) {
      process.stdout.write(JSON.stringify(diagnosisRecord(report, s, { lab: profile.lab, input: args.code ?? null }), null, 2) + '\n')
    } else {
      const skipped = report.steps.filter((r) => r.outcome === 'skipped').length
      if (skipped) process.stdout.write(`  ${ui.t('diagnose.skipped', { n: skipped })}\n`)
      process.stdout.write(verdictBox(report, s, paint) + '\n')
    }
    process.exitCode = exitCode
  }
}

async function painter(color: boolean): Promise<Paint> {
  if (!color) return (_o, text) => text
  const { Chalk } = await import('chalk')
  const c = new Chalk({ level: 1 })
  const style: Partial<Record<StepOutcome | Verdict, (x: string) => string>> = {
    pass: c.green, yes: c.green, ok: c.green, fail: c.red, no: c.red, faulty: c.redBright.bold, action: c.yellow, unknown: c.yellow, shown: c.cyan, skipped: c.gray,
  }
  return (o, text) => style[o]?.(text) ?? text
}
