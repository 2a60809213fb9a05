import { askYesNo } from '../app/confirm.js'
import type { Io, Prompt } from '../app/io.js'
import { UkeyError } from '../errors.js'
import { terminalSpinner } from '../app/progress.js'
import { argvAsksJson } from '../app/output-format.js'
import { makeUi, rawFlag, type Ui } from '../app/ui.js'
import { FileOutput, isPlainFileOutput, isTerminal, outputUnwritable } from '../platform/std-output.js'
import { EXIT } from '../output/exit-codes.js'
import { reportFailure } from './failure.js'
import type { Writable } from 'node:stream'

// No oclif here: the check-window fast path (src/fast/) builds its Io with this too.

/** The terminal facts of a command line, read before any parser has run (errors can strike before parsing). */
export function uiOfArgv(argv: readonly string[]): Ui {
  // JSON is read by scripts and support staff: its texts carry the technical detail too, as with --verbose.
  const verbose = argv.includes('--verbose') || argvAsksJson(argv)
  return makeUi({
    lang: rawFlag(argv, 'lang'),
    debug: argv.includes('--debug'),
    verbose,
    env: process.env,
    // --no-input (every command that may ask): nobody answers, as without a terminal.
    terminals: {
      // Asked only when a prompt is considered (Ui.canPrompt): process.stdin opens a stream.
      get stdin() {
        return !argv.includes('--no-input') && Boolean(process.stdin.isTTY)
      },
      // Without making the streams (platform/std-output.ts) when a stat says no terminal.
      stdout: isTerminal(1, () => process.stdout),
      stderr: isTerminal(2, () => process.stderr),
    },
  })
}

/** The prompt at a real terminal: masked input and yes/no questions (是/否 in zh, app/confirm.ts), drawn on stderr. */
function terminalPrompt(ui: () => Ui): Prompt {
  return {
    async password(message) {
      const { password } = await import('@inquirer/prompts')
      // No green tick after a secret: typing one is not knowing it is right (a wrong PIN or password is told next).
      return password({ message, mask: '*', theme: { prefix: { idle: '?', done: '·' } } }, { output: process.stderr })
    },
    async confirm(message, initial, signal) {
      try {
        return await askYesNo(ui().t, message, initial, process.stderr, signal)
      } catch (e) {
        // A signal while asking: nothing was changed yet.
        if (e instanceof Error && e.name === 'AbortPromptError') throw new UkeyError('CANCELLED', { cause: e })
        throw e
      }
    },
  }
}

/** A native PKCS#11 module reads its configuration (the lab's SOFTHSM2_CONF) from the process environment. */
export function applyEnvironment(vars: Readonly<Record<string, string>>): void {
  for (const [k, v] of Object.entries(vars)) process.env[k] = v
}

/**
 * Standard output as the commands write it: a regular file or the null device takes
 * plain synchronous writes (what Node's own stream for it does, without loading the
 * stream stack: platform/std-output.ts); anything else is process.stdout.
 */
function standardOutput(ui: () => Ui): Writable {
  if (isPlainFileOutput(1)) return new FileOutput(1) as unknown as Writable
  // First in line: @oclif/core's own listener rethrows, and an 'error' event thrown is a stack trace.
  process.stdout.prependListener('error', (err: NodeJS.ErrnoException) => {
    // A reader that closed early (`| head`): the output ends quietly, as oclif and most tools do.
    if (err.code === 'EPIPE') return
    // The device failed (/dev/full, EIO): the output is lost, so is the rest of the run's. Output
    // never goes out mid-renewal (renew writes its report once the journal is closed).
    reportFailure(outputUnwritable(err), { ui: ui() })
    process.exit(EXIT.FAILURE)
  })
  return process.stdout
}

/** This process as a command's Io: its streams, environment and clock, each made on first use (a stream, the Ui). */
export function processIo(argv: readonly string[]): Io {
  let ui: Ui | undefined
  let spinner: Io['spinner'] | null = null
  let stdout: Writable | undefined
  return {
    get ui() {
      ui ??= uiOfArgv(argv)
      return ui
    },
    get stdout() {
      stdout ??= standardOutput(() => this.ui)
      return stdout
    },
    get stderr() {
      return process.stderr
    },
    // Made on first use: process.stdin opens a stream (for a file, Node's fs streams and fs/promises)
    // that most runs never read (bench/README.md, start-up).
    get stdin() {
      return process.stdin
    },
    env: process.env,
    applyEnvironment,
    now: () => new Date(),
    get prompt() {
      return terminalPrompt(() => this.ui)
    },
    get spinner() {
      // process.stderr only where a spinner may draw: making it loads the stream stack (platform/std-output.ts).
      if (spinner === null) spinner = this.ui.stderrIsTTY ? terminalSpinner(this.ui, process.stderr) : undefined
      return spinner
    },
  }
}
