import { UkeyError } from '../errors.js'
import { resolveLang, translator, type Lang, type Translate } from '../i18n/index.js'

/**
 * What a command knows about its terminal (after GitHub CLI's IOStreams): which
 * streams are TTYs, whether it may prompt, whether colour is on. Data goes to
 * stdout, messages, progress and prompts to stderr.
 */
export interface Ui {
  lang: Lang
  t: Translate
  stdoutIsTTY: boolean
  stderrIsTTY: boolean
  /** A person can answer a prompt: stdin and stderr are terminals and CI is not set. */
  canPrompt: boolean
  color: boolean
  debug: boolean
  /** --verbose: technical detail (module files, ids, mechanisms, codes) on the screen too. */
  verbose: boolean
  /** What animates stderr now (a spinner): paused while a person answers a prompt. */
  activity?: { pause(): void; resume(): void }
}

/** Gives the terminal to a prompt: the spinner stops drawing over it and resumes after. */
export async function withTerminal<T>(ui: Ui, ask: () => Promise<T>): Promise<T> {
  ui.activity?.pause()
  try {
    return await ask()
  } catch (e) {
    // Ctrl-C at a prompt is a person saying no, not a failure of ukey's.
    if (e instanceof Error && e.name === 'ExitPromptError') throw new UkeyError('CANCELLED', { cause: e })
    throw e
  } finally {
    ui.activity?.resume()
  }
}

/** Which of the three streams are terminals: the entry asks its process (src/commands/io.ts), a test says. */
export interface Terminals {
  stdin: boolean
  stdout: boolean
  stderr: boolean
}

export function makeUi(opts: { lang?: string; debug?: boolean; verbose?: boolean; env: Readonly<Record<string, string | undefined>>; terminals: Terminals }): Ui {
  const env = opts.env
  const lang = resolveLang(opts.lang, env)
  const stdoutIsTTY = opts.terminals.stdout
  const stderrIsTTY = opts.terminals.stderr
  const ci = Boolean(env['CI']) && env['CI'] !== 'false'
  const noColor = 'NO_COLOR' in env && env['NO_COLOR'] !== ''
  // Worked out on first use: whether stdin is a terminal is a question to process.stdin,
  // which opens a stream most runs never need (bench/README.md, start-up).
  let canPrompt: boolean | undefined
  return {
    lang,
    t: translator(lang, { verbose: Boolean(opts.verbose) }),
    stdoutIsTTY,
    stderrIsTTY,
    get canPrompt() {
      return (canPrompt ??= opts.terminals.stdin && stderrIsTTY && !ci)
    },
    set canPrompt(value: boolean) {
      canPrompt = value
    },
    color: !noColor && (stdoutIsTTY || env['FORCE_COLOR'] !== undefined) && env['TERM'] !== 'dumb',
    debug: Boolean(opts.debug) || env['UKEY_DEBUG'] === '1',
    verbose: Boolean(opts.verbose),
  }
}

/** Finds a flag's value in raw argv: errors can strike before oclif has parsed it. */
export function rawFlag(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === `--${name}`) return argv[i + 1]
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3)
  }
  return undefined
}
