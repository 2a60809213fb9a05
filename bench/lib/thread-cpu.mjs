// CPU time per thread of a Node process (Linux), to judge how work is split between
// the main thread and batch threads on a machine too loaded for wall times:
//   node --import ./bench/lib/thread-cpu.mjs bin/run.js check-window -r DIR --quiet
// prints to stderr, at exit, each thread's user+system ms (/proc/self/task/*/stat),
// sampled every 20 ms so threads that end before the process are counted too.
import { readFileSync, readdirSync } from 'node:fs'

const TICK_MS = 1000 / 100 // USER_HZ
const seen = new Map()
function sample() {
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      seen.set(tid, { name, ms: (Number(f[11]) + Number(f[12])) * TICK_MS })
    } catch {}
  }
}
setInterval(sample, 20).unref()
process.on('exit', () => {
  sample()
  const rows = [...seen.entries()].filter(([, v]) => v.ms > 0).sort((a, b) => b[1].ms - a[1].ms)
  const total = rows.reduce((a, [, v]) => a + v.ms, 0)
  process.stderr.write(`thread-cpu: total ${total} ms; ${rows.map(([tid, v]) => `${v.name}#${tid}=${v.ms}`).join(' ')}\n`)
})
