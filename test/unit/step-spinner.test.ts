// A step that asks a question as it starts (diagnose's consent to the test key
// generation, a PIN) must find the terminal already taken: found by capturing the
// zh 0124 walk in tmux, where the spinner, arriving a moment after the question,
// drew over it and the technician saw only "⠋ 网银盾能生成密钥对".
import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import type { Spinner } from '../../src/app/io.js'
import { StepSpinner } from '../../src/app/progress.js'
import { withTerminal, type Ui } from '../../src/app/ui.js'

function fakeSpinner(log: string[]): Spinner {
  return { text: '', start: () => log.push('start'), stop: () => log.push('stop'), clear: () => undefined, succeed: () => log.push('succeed'), fail: () => log.push('fail') }
}

describe('StepSpinner and a prompt at the start of a step', () => {
  it('a question asked before the spinner library has loaded: the spinner never draws over it, and starts after the answer', async () => {
    const log: string[] = []
    let arrive!: (s: Spinner) => void
    const ui = {} as Ui
    const io = { ui, stderr: new PassThrough(), spinner: () => new Promise<Spinner>((r) => (arrive = r)) }
    const steps = new StepSpinner(io)
    arrive(fakeSpinner([])) // the constructor's warm-up
    steps.begin('网银盾能生成密钥对')
    const answered = withTerminal(ui, async () => {
      arrive(fakeSpinner(log)) // the spinner arrives while the question is open
      await new Promise((r) => setTimeout(r, 10))
      log.push('answered')
      return true
    })
    expect(await answered).toBe(true)
    expect(log).toEqual(['answered', 'start'])
    steps.succeed('done')
    expect(log.at(-1)).toBe('succeed')
  })
})
