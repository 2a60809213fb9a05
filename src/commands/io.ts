import { askYesNo } from '../app/confirm.js'
import type { Io, Prompt } from '../app/io.js'
import { UkeyError } from '../errors.js'
import { terminalSpinner } from '../app/progress.js'
import { argvAsksJson } from '../app/output-format.js'
import { makeUi, rawFlag, type Ui } from '../app/ui.js'

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
      stdout: Boolean(process.stdout.isTTY),
      stderr: Boolean(process.stderr.isTTY),
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

/** This process as a command's Io: its streams, environment and clock. The Ui is made on first use. */
export function processIo(argv: readonly string[]): Io {
  let ui: Ui | undefined
  let spinner: Io['spinner'] | null = null
  return {
    get ui() {
      ui ??= uiOfArgv(argv)
      return ui
    },
    stdout: process.stdout,
    stderr: process.stderr,
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
      if (spinner === null) spinner = terminalSpinner(this.ui, process.stderr)
      return spinner
    },
  }
}
