import { Args, Flags } from '@oclif/core'
import { UkeyCommand } from './base-command.js'
import { parseAt } from '../app/instant.js'
import { pinSource } from '../app/pin.js'
import { moduleFlags, selectFlags } from './token-flags.js'
import { withTerminal } from '../app/ui.js'
import { UkeyError } from '../errors.js'
import { realProviderFactory } from '../hardware/token-provider.js'
import { defaultLabDir } from '../lab/paths.js'
import { defaultJournalDir } from '../renewal/journal.js'
import { diagnose, verdictExit } from '../troubleshoot/engine.js'
import { codesRecord, codesText, diagnosisRecord, sayer, stepText, verdictBox, type Paint } from '../output/diagnose-render.js'
import { RULES, findRule, healthRule } from '../troubleshoot/rules/index.js'
import type { Ask, StepOutcome, Verdict } from '../troubleshoot/types.js'

export default class Diagnose extends UkeyCommand {
  static override summary = 'Walk the bank\'s remedies for an error code (0124, 9002, 0116, 403.7); without a code, a health check'
  static override description = `The FAQ's steps for the code the customer saw, in order (questions 10–13): ukey checks everything a machine can check (the key on USB and through its vendor's module, the module's version and vendor, the certificate and its private key, a test signature, the renewal window, the bank CA, ukey's renewal journal, a test key generation with consent), asks the technician only what no check can see, and stops at the first finding with what to do. Steps for the bank's old web page (IE trusted sites, the "Low" zone) are shown as what they are: advice for that page, never something ukey asks anyone to weaken.
Questions are asked only on a terminal; with --no-input, or without a terminal, they count as unknown and nothing waits for an answer.
Codes are also recognised as written: 124, 403, "HTTP 403.7", the Chinese message. --list shows them.
Exit codes: 0 nothing wrong found (or already renewed); 20 action needed (the box says which); 21 the key is faulty: replace it at the counter, the online-banking contract stays (FAQ 3); 2 unknown code.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> 0124',
    '<%= config.bin %> <%= command.id %> "HTTP 403.7" --lang en',
    '<%= config.bin %> <%= command.id %> 0116 --lab --json --no-input',
    'UKEY_PIN=… <%= config.bin %> <%= command.id %> 0124 --allow-keygen --no-input   # test key generation without asking',
    '<%= config.bin %> <%= command.id %>                  # every check: a health check',
    '<%= config.bin %> <%= command.id %> --list',
  ]

  static override args = {
    code: Args.string({ description: 'the error code or message the customer saw (0124, 9002, 0116, 403.7…); none: every check', ignoreStdin: true }),
  }

  static override flags = {
    list: Flags.boolean({ description: 'list the codes ukey knows, with their meaning' }),
    json: Flags.boolean({ description: 'one JSON document (docs/schema/diagnose.schema.json)' }),
    'no-input': Flags.boolean({ description: 'ask nothing: questions count as unknown (implied without a terminal)' }),
    'allow-keygen': Flags.boolean({ description: 'allow the test key generation (0124) without asking: it needs the PIN; the test key is deleted at once' }),
    'key-number': Flags.string({ description: 'the number printed on the key: its vendor is checked against the module (FAQ 1)' }),
    'soft-store': Flags.string({ description: 'a folder holding the customer\'s software certificate (customers without a key, FAQ 10.1); repeat for more', multiple: true, multipleNonGreedy: true }),
    at: Flags.string({ description: 'evaluate the renewal window at this instant (ISO 8601 or +30d)' }),
    ...selectFlags,
    ...moduleFlags,
    'pin-stdin': Flags.boolean({ description: 'read the PIN from the first line of standard input (else UKEY_PIN, else a masked prompt)', helpGroup: 'TOKEN' }),
    force: Flags.boolean({ description: 'log in even when the key reports its final PIN try', helpGroup: 'TOKEN' }),
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
      ? async (q) => {
          const { confirm } = await import('@inquirer/prompts')
          return withTerminal(ui, () => confirm({ message: s(q.text), default: false }, { output: process.stderr }))
        }
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
