import type { Ui } from './ui.js'

export interface Progress {
  tick(n: number): void
  clear(): void
  stop(): void
}

// Below this a batch is "a moment": no spinner flickers for one file. (Tests set it to 0:
// a fast machine must not outrun the assertion.)
const SHOW_AFTER_MS = Number(process.env['UKEY_PROGRESS_AFTER_MS'] ?? 400)

/** A spinner with a count on stderr, only on a TTY and only once a batch takes more than a moment. */
export function startProgress(ui: Ui, text: (n: number) => string): Progress | undefined {
  // A terminal that reports no width (some serial consoles, a bare pty) would make the
  // spinner's redraw arithmetic divide by zero: plain output there.
  if (!ui.stderrIsTTY || !(process.stderr.columns > 0)) return undefined
  let n = 0
  let spinner: { text: string; stop(): void; clear(): void; render(): void; start(): unknown } | undefined
  let stopped = false
  let paused = false
  const timer = setTimeout(() => {
    void import('ora').then(({ default: ora }) => {
      if (stopped) return
      spinner = ora({ text: text(n), stream: process.stderr })
      if (!paused) spinner.start()
    })
  }, SHOW_AFTER_MS)
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
