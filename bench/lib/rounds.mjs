#!/usr/bin/env node
// Whole-process timings in interleaved rounds: every round runs each command once,
// in turn (the starting command rotates), so a burst of load from the other work on
// this machine hits every command alike. Writes medians (and σ, min, peak RSS when
// asked) as JSON, with the load average before and after.
//
//   node bench/lib/rounds.mjs SPEC.json OUT.json
//
// SPEC: { rounds, warmup, rss: bool, commands: [{ name, argv: [file, ...args], env?: {} }] }
// rss: each run goes through GNU time (`/usr/bin/time -f %M`) for its peak RSS: one
// more exec (~1 ms) on every side, so only for the batch runs, not for start-up.
// NODE_EXTRA_CA_CERTS is removed from every environment (bench/README.md).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const [specFile, outFile] = process.argv.slice(2)
const spec = JSON.parse(readFileSync(specFile, 'utf8'))
const base = { ...process.env }
delete base.NODE_EXTRA_CA_CERTS
const tmp = mkdtempSync(join(tmpdir(), 'ukey-rounds-'))
const rssFile = join(tmp, 'rss')
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number)

function once(cmd) {
  const argv = spec.rss ? ['/usr/bin/time', '-f', '%M', '-o', rssFile, ...cmd.argv] : cmd.argv
  const t0 = process.hrtime.bigint()
  const r = spawnSync(argv[0], argv.slice(1), { env: { ...base, ...cmd.env }, stdio: ['ignore', 'ignore', 'ignore'], maxBuffer: 0 })
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  if (r.error) throw r.error
  return { ms, status: r.status, rssMb: spec.rss ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024 : undefined }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const sd = (xs) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1))
}

const cmds = spec.commands
const loadBefore = load()
for (let w = 0; w < (spec.warmup ?? 1); w++) for (const c of cmds) once(c)
const runs = cmds.map(() => [])
for (let r = 0; r < spec.rounds; r++) {
  for (let k = 0; k < cmds.length; k++) {
    const i = (k + r) % cmds.length
    const res = once(cmds[i])
    runs[i].push({ ...res, load1: load()[0] })
    if (spec.progress) process.stderr.write(`  round ${r + 1}/${spec.rounds} ${cmds[i].name}: ${res.ms.toFixed(0)} ms\n`)
  }
}
const loadAfter = load()
rmSync(tmp, { recursive: true, force: true })
const results = cmds.map((c, i) => {
  const ms = runs[i].map((x) => x.ms)
  return {
    name: c.name,
    runs: ms.length,
    medianMs: median(ms),
    sdMs: sd(ms),
    minMs: Math.min(...ms),
    statuses: [...new Set(runs[i].map((x) => x.status))],
    peakRssMb: spec.rss ? Math.max(...runs[i].map((x) => x.rssMb)) : undefined,
    all: runs[i],
  }
})
writeFileSync(outFile, JSON.stringify({ loadBefore, loadAfter, rounds: spec.rounds, results }, null, 2))
