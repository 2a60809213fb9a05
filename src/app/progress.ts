import type { Writable } from 'node:stream'
import type { Io, Spinner } from './io.js'
import type { Ui } from './ui.js'

// The one progress module: every command's spinner is drawn here, on stderr,
// only on a terminal that reports a width, and paused while a person answers a
// prompt (Ui.activity).


/**
 * The spinner factory of a real terminal, or undefined where nothing may animate:
 * a terminal that reports no width (some serial consoles, a bare pty) would make
 * the spinner's redraw arithmetic divide by zero, so plain output there.
 */
export function terminalSpinner(ui: Ui, stderr: Writable & { columns?: number }): ((text: string) => Promise<Spinner>) | undefined {
  if (!ui.stderrIsTTY || !((stderr.columns ?? 0) > 0)) return undefined
  let ora: Promise<typeof import('ora')> | undefined
  return async (text) => {
    const { default: make } = await (ora ??= import('ora'))
    // The terminal stays cooked: Ctrl-C is the terminal's own SIGINT, which renew turns into a stop at
    // the next safe point (ora's discardStdin would switch it to raw mode and swallow or re-raise it).
    return make({ text, stream: stderr, discardStdin: false })
  }
}

export interface Progress {
  tick(n: number): void
  clear(): void
  stop(): void
}

// Below this a batch is "a moment": no spinner flickers for one file. (Tests set
// UKEY_PROGRESS_AFTER_MS=0: a fast machine must not outrun the assertion.)
const SHOW_AFTER_MS = 400

/** A spinner with a count, once a batch takes more than a moment (check-window). */
export function startProgress(io: Pick<Io, 'ui' | 'spinner' | 'env'>, text: (n: number) => string): Progress | undefined {
  const { ui, spinner: makeSpinner } = io
  if (!makeSpinner) return undefined
  let n = 0
  let spinner: Spinner | undefined
  let stopped = false
  let paused = false
  const timer = setTimeout(() => {
    void makeSpinner(text(n)).then((s) => {
      if (stopped) return
      spinner = s
      if (!paused) spinner.start()
    })
  }, Number(io.env['UKEY_PROGRESS_AFTER_MS'] ?? SHOW_AFTER_MS))
  timer.unref()
  ui.activity = {
    pause() {
      paused = true
      spinner?.stop()
    },
    resume() {
      paused = false
      if (spinner && !stopped) spinner.start()
    },
  }
  return {
    tick(count) {
      n = count
      if (spinner && !paused) spinner.text = text(count)
    },
    clear() {
      spinner?.clear()
    },
    stop() {
      stopped = true
      clearTimeout(timer)
      spinner?.stop()
      ui.activity = undefined
    },
  }
}

/**
 * One spinner per step of a longer task (renew's steps, diagnose's checks):
 * `begin` starts it, `succeed`/`fail` leave the step's line with its mark, `end`
 * removes it; `line` prints above it. Without a terminal, only lines.
 */
export class StepSpinner {
  private spinner: Spinner | undefined
  private step = 0
  /** A prompt has the terminal (Ui.activity): the spinner waits. */
  private paused = false

  constructor(private readonly io: Pick<Io, 'ui' | 'spinner' | 'stderr'>) {
    // The spinner library loads while the plan is read and the PIN typed: the first step's spinner then starts at once.
    void io.spinner?.('')
  }

  get live(): boolean {
    return this.io.spinner !== undefined
  }

  begin(text: string): void {
    const make = this.io.spinner
    if (!make) return
    const step = ++this.step
    this.paused = false
    // Set at once, not when the spinner arrives: a step that asks a question as it starts
    // (diagnose's consent, a PIN) must find the terminal taken before the spinner draws over it.
    this.io.ui.activity = {
      pause: () => {
        this.paused = true
        this.spinner?.stop()
      },
      resume: () => {
        this.paused = false
        this.spinner?.start()
      },
    }
    void make(text).then((s) => {
      // The step may have ended while the spinner library loaded: its line is already printed.
      if (step !== this.step || this.spinner) return
      this.spinner = s
      if (!this.paused) s.start()
    })
  }

  /** The running spinner's text (a countdown); false without one. */
  setText(text: string): boolean {
    if (!this.spinner) return false
    this.spinner.text = text
    return true
  }

  /** Ends the step with a tick: on the spinner's line, or as a line of its own. */
  succeed(text: string): void {
    if (this.spinner) this.spinner.succeed(text)
    else this.line(`✓ ${text}`)
    this.done()
  }

  fail(text: string): void {
    if (this.spinner) this.spinner.fail(text)
    else this.line(`✗ ${text}`)
    this.done()
  }

  /** Ends the step without a mark. */
  end(): void {
    this.spinner?.stop()
    this.done()
  }

  line(text: string): void {
    this.spinner?.stop()
    this.io.stderr.write(text + '\n')
    if (!this.paused) this.spinner?.start()
  }

  private done(): void {
    this.spinner = undefined
    this.step++
    this.io.ui.activity = undefined
  }
}
