import { wantsJson } from './output-format.js'
import { UkeyError } from '../errors.js'
import { readWindowsStore } from '../hardware/stores/windows-store.js'
import { realProviderFactory } from '../hardware/token-provider.js'
import { codesRecord, codesText, diagnosisRecord, sayer, stepText, verdictBox, type Paint } from '../output/diagnose-render.js'
import { EXIT, verdictExit } from '../output/exit-codes.js'
import { currentPlatform } from '../platform/os.js'
import { defaultLabDir } from '../platform/paths.js'
import { defaultJournalDir } from '../renewal/journal.js'
import { diagnose } from '../troubleshoot/engine.js'
import { RULES, findRule, healthRule } from '../troubleshoot/rules/index.js'
import type { Ask } from '../troubleshoot/types.js'
import { profileOf, type TokenOptions } from './context.js'
import { parseAt } from './instant.js'
import type { Io } from './io.js'
import { pinSource } from './pin.js'
import { StepSpinner } from './progress.js'
import { withTerminal } from './ui.js'

export interface DiagnoseOptions extends TokenOptions {
  /** The code or message the customer saw; none: the health check. */
  code?: string
  list: boolean
  json: boolean
  'no-input': boolean
  'allow-keygen': boolean
  /** Consent in advance (issue 15's one convention): here, to the test key generation, as --allow-keygen. */
  yes?: boolean
  /** -o/--output: --json's long form (app/output-format.ts). */
  output?: string
  'key-number'?: string
  'soft-store'?: string[]
  at?: string
}

/** `ukey diagnose`: the FAQ's remedies for a code, walked; the report on stdout. Returns the exit code (0, 20, 21). */
export async function run(given: DiagnoseOptions, io: Io): Promise<number> {
  // Both callers (the oclif command, the fast path) hand over the parsed flags: -o json and --yes are read here.
  const options = { ...given, json: wantsJson(given), 'allow-keygen': given['allow-keygen'] || Boolean(given.yes) }
  const ui = io.ui
  const s = sayer(ui.t, ui.lang, !options.json)
  if (options.list) {
    io.stdout.write(options.json ? JSON.stringify(codesRecord(RULES, s, Boolean(options.lab)), null, 2) + '\n' : codesText(RULES, s) + '\n')
    return EXIT.OK
  }
  const rule = options.code === undefined ? healthRule : findRule(options.code)
  if (!rule) {
    throw new UkeyError('USAGE', { params: { detail: `${ui.t('diagnose.unknownCode', { code: options.code! })}\n${codesText(RULES, s)}` }, actions: ['diagnose.action.list'] })
  }
  const at = parseAt(options.at, io.now())
  const profile = profileOf(io, options.profile, { use: options.lab, dir: options['lab-dir'] })
  const labDir = options.lab ? (options['lab-dir'] ?? defaultLabDir()) : undefined
  // Nobody to answer (no terminal, CI, --no-input): questions are unknown, the PIN only from stdin or UKEY_PIN.
  ui.canPrompt = ui.canPrompt && !options['no-input']
  const ask: Ask = ui.canPrompt ? async (q) => withTerminal(ui, () => io.prompt.confirm(s(q.text), false)) : async () => undefined
  const { listUsbKeys } = await import('../hardware/usb/index.js')

  const paint: Paint = ui.color ? (await import('../output/paint.js')).painter(true) : (_o, text) => text
  const progress = new StepSpinner(io)
  if (!options.json) {
    if (profile.lab) io.stdout.write(ui.t('lab.banner') + '\n')
    io.stdout.write(`${ui.t('diagnose.header', { code: rule.survey ? ui.t('diagnose.health') : rule.code, title: s(rule.title) })}\n`)
  }
  io.applyEnvironment(profile.pkcs11.environment)
  // Ctrl-C at a prompt inside a check ends the walk (CANCELLED, exit 130): the step's spinner must not outlive it.
  const report = await diagnose(
    rule,
    {
      profile,
      providerFactory: realProviderFactory,
      module: options.module,
      listUsb: () => listUsbKeys(),
      journalDir: defaultJournalDir({ labDir }),
      now: () => at,
      pin: pinSource(io, { stdin: options['pin-stdin'] }),
      selector: { serial: options.serial, label: options.label },
      printedNumber: options['key-number'],
      softStores: options['soft-store'] ?? [],
      // FAQ 10.1's "computer where the certificate is installed": on Windows, the user's store.
      ...(currentPlatform() === 'win32' ? { windowsStore: () => readWindowsStore('my') } : {}),
      allowed: options['allow-keygen'] ? ['test-keygen'] : [],
      force: options.force,
    },
    {
      ask,
      onEvent: (e) => {
        if (e.type === 'step-start') {
          // A PIN prompt inside a check takes the terminal from the spinner (Ui.activity).
          if (e.step.kind === 'check') progress.begin(s(e.step.text))
          return
        }
        progress.end()
        if (!options.json && e.report.outcome !== 'skipped') io.stdout.write(stepText(e.report, s, paint) + '\n')
      },
    },
  ).finally(() => progress.end())
  const exitCode = verdictExit(report.verdict)
  if (options.json) {
    io.stdout.write(JSON.stringify(diagnosisRecord(report, s, { lab: profile.lab, input: options.code ?? null }), null, 2) + '\n')
  } else {
    const skipped = report.steps.filter((r) => r.outcome === 'skipped').length
    if (skipped) io.stdout.write(`  ${ui.t('diagnose.skipped', { n: skipped })}\n`)
    io.stdout.write(verdictBox(report, s, paint) + '\n')
  }
  return exitCode
}
