// Loaded into a CLI run (NODE_OPTIONS=--import) by test/cli/batch-threads.test.ts: it
// records, in the JSON file THREAD_PROBE_OUT names, how many threads the run started
// with check-window's batch program and how many batches they answered with finished
// output, and how many batches the plain reader answered in its ring and in how many
// distinct slots (file-reader.ts: more answers than slots means a slot was used again)
// — so a test of "the same bytes with threads" cannot pass with the threads or the ring
// silently unused.
import { writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const threads = createRequire(import.meta.url)('node:worker_threads')
const Original = threads.Worker
const seen = { programThreads: 0, plainThreads: 0, offloadedBatches: 0, ringAnswers: 0, ringSlots: 0 }
const slots = new Set()
threads.Worker = class extends Original {
  constructor(source, options) {
    super(source, options)
    // The plain reader is a few lines; the batch program is the bundled check-window code.
    const program = typeof source === 'string' && source.includes('certificateJson')
    if (program) seen.programThreads++
    else seen.plainThreads++
    if (program) this.on('message', (reply) => { if (reply && reply.states) seen.offloadedBatches++ })
    else {
      this.on('message', (reply) => {
        if (reply && reply.ring !== undefined) {
          seen.ringAnswers++
          slots.add(reply.ring)
          seen.ringSlots = slots.size
        }
      })
    }
  }
}
process.on('exit', () => writeFileSync(process.env.THREAD_PROBE_OUT, JSON.stringify(seen)))
