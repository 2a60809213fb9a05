import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { othersRunnable } from '../../src/platform/cpu-load.js'

describe.skipIf(process.platform !== 'linux')('othersRunnable (Linux: runnable tasks now, from /proc/loadavg)', () => {
  it('counts two programs spinning on the CPU while they run', async () => {
    const spinners = [0, 1].map(() => spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore' }))
    try {
      // Give them a moment to be scheduled; then the busiest of a few samples.
      await new Promise((r) => setTimeout(r, 300))
      let most = 0
      for (let i = 0; i < 20; i++) {
        most = Math.max(most, othersRunnable(0))
        await new Promise((r) => setTimeout(r, 10))
      }
      expect(most).toBeGreaterThanOrEqual(2)
    } finally {
      for (const s of spinners) s.kill('SIGKILL')
    }
  })

  it('leaves out the threads the caller names as its own', () => {
    // The same instant cannot be read twice; the rule is arithmetic on one reading, never below 0.
    expect(othersRunnable(1000)).toBe(0)
  })
})
