import type { Ui } from './ui.js'

export interface Progress {
  tick(n: number): void
  clear(): void
  stop(): void
}

// Below this a batch is "a moment": no spinner flickers for one file.
const SHOW_AFTER_MS = 400

/** A spinner with a count on stderr, only on a TTY and only once a batch takes more than a moment. */
export function startProgress(ui: Ui, text: (n: number) => string): Progress | undefined {
  if (!ui.stderrIsTTY) return undefined
  let n = 0
  let spinner: { text: string; stop(): void; clear(): void; render(): void } | undefined
  let stopped = false
  const timer = setTimeout(() => {
    void import('ora').then(({ default: ora }) => {
      if (stopped) return
      spinner = ora({ text: text(n), stream: process.stderr }).start()
    })
  }, SHOW_AFTER_MS)
  timer.unref()
  return {
    tick(count) {
      n = count
      if (spinner) spinner.text = text(count)
    },
    clear() {
      spinner?.clear()
    },
    stop() {
      stopped = true
      clearTimeout(timer)
      spinner?.stop()
    },
  }
}
