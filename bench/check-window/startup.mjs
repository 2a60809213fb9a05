#!/usr/bin/env node
// Start-up latency, interleaved: every round runs each command once, in turn, so a
// burst of load from other processes hits all of them alike (hyperfine runs one
// command's series after another). Prints median, min and σ per command and its
// ratio to the first command's median, plus the load average before and after.
//
//   node bench/check-window/startup.mjs [--rounds N] [--warmup N] -- "node -e 0" "node bin/run.js check-window one.pem" …
//
// Commands are split on spaces (no shell); leading NAME=value words set the
// command's environment (`UKEY_NO_FAST_PATH=1 node bin/run.js …`) without an
// extra process. NODE_EXTRA_CA_CERTS is removed from every command's environment
// (see bench/README.md). Output goes to /dev/null.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

const args = process.argv.slice(2)
let rounds = 30
let warmup = 3
const cmds = []
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--rounds') rounds = Number(args[++i])
  else if (args[i] === '--warmup') warmup = Number(args[++i])
  else if (args[i] !== '--') cmds.push(args[i])
}
if (cmds.length === 0) {
  console.error('usage: startup.mjs [--rounds N] [--warmup N] -- CMD…')
  process.exit(2)
}
const env = { ...process.env }
delete env.NODE_EXTRA_CA_CERTS
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
const once = (cmd) => {
  const words = cmd.split(' ')
  const own = { ...env }
  while (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0])) {
    const w = words.shift()
    own[w.slice(0, w.indexOf('='))] = w.slice(w.indexOf('=') + 1)
  }
  const [file, ...rest] = words
  const t0 = process.hrtime.bigint()
  const r = spawnSync(file, rest, { env: own, stdio: ['ignore', 'ignore', 'ignore'] })
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  if (r.error) throw r.error
  return { ms, status: r.status }
}
const loadBefore = load()
for (let w = 0; w < warmup; w++) for (const c of cmds) once(c)
const times = cmds.map(() => [])
const statuses = cmds.map(() => new Set())
for (let r = 0; r < rounds; r++) {
  cmds.forEach((c, i) => {
    const { ms, status } = once(c)
    times[i].push(ms)
    statuses[i].add(status)
  })
}
const loadAfter = load()
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const sd = (xs) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length
  return Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1))
}
const base = median(times[0])
console.log(`${rounds} interleaved rounds (+${warmup} warm-up), node ${process.version}, load average ${loadBefore} before, ${loadAfter} after`)
console.log('| command | median ms | min ms | σ ms | ÷ first | exit |')
console.log('| --- | ---: | ---: | ---: | ---: | --- |')
cmds.forEach((c, i) => {
  const m = median(times[i])
  console.log(`| \`${c}\` | ${m.toFixed(1)} | ${Math.min(...times[i]).toFixed(1)} | ${sd(times[i]).toFixed(1)} | ${(m / base).toFixed(2)}× | ${[...statuses[i]].join(',')} |`)
})
