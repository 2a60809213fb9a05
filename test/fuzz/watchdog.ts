// A hang cannot be reported from inside: a case that never returns blocks the
// thread fast-check runs on. A watchdog thread sees the case counter stop, writes
// the target, seed and input of the stuck case (stderr and, when given, the run
// record), and kills the process — a run that hangs ends with its finding.

import { Worker } from 'node:worker_threads'

const MAX_INPUT = 64 * 1024
const WATCHER = `
const { workerData } = require('node:worker_threads')
const fs = require('node:fs')
const { counter, input, limitMs, record, label } = workerData
const count = new Int32Array(counter)
const bytes = new Uint8Array(input)
let last = -1, since = Date.now()
setInterval(() => {
  const c = Atomics.load(count, 0)
  if (c !== last) { last = c; since = Date.now(); return }
  if (Date.now() - since < limitMs) return
  const n = Atomics.load(count, 1)
  const line = JSON.stringify({ at: new Date().toISOString(), ...label, hang: true, stuckAfterCases: c, stuckMs: Date.now() - since, inputHex: Buffer.from(bytes.subarray(0, n)).toString('hex') })
  fs.writeSync(2, line + '\\n')
  if (record) fs.appendFileSync(record, line + '\\n')
  process.kill(process.pid, 'SIGKILL')
}, 250)
`

export interface Watchdog {
  /** Call before each case with its input. */
  enter(input: Uint8Array): void
  stop(): Promise<void>
}

export function startWatchdog(label: Record<string, unknown>, limitMs: number, record?: string): Watchdog {
  const counter = new SharedArrayBuffer(8)
  const input = new SharedArrayBuffer(MAX_INPUT)
  const count = new Int32Array(counter)
  const bytes = new Uint8Array(input)
  const worker = new Worker(WATCHER, { eval: true, workerData: { counter, input, limitMs, record, label } })
  worker.unref()
  return {
    enter(i) {
      const n = Math.min(i.length, MAX_INPUT)
      bytes.set(i.subarray(0, n))
      Atomics.store(count, 1, n)
      Atomics.add(count, 0, 1)
    },
    stop: async () => {
      await worker.terminate()
    },
  }
}
