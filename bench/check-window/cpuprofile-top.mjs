#!/usr/bin/env node
// Summarises a V8 .cpuprofile (node --cpu-prof): top functions by self time, and
// self time grouped by where the code lives (ukey dist/, each node_modules
// package, node: internals, GC / native).
//
//   node --cpu-prof --cpu-prof-dir=bench/out/prof bin/run.js check-window -r DIR --quiet
//   node bench/check-window/cpuprofile-top.mjs bench/out/prof/<file>.cpuprofile [top=25]
import { readFileSync } from 'node:fs'

const [file, topArg] = process.argv.slice(2)
if (!file) {
  console.error('usage: cpuprofile-top.mjs FILE.cpuprofile [top]')
  process.exit(2)
}
const top = Number(topArg ?? 25)
const prof = JSON.parse(readFileSync(file, 'utf8'))
const byId = new Map(prof.nodes.map((n) => [n.id, n]))
const selfUs = new Map()
for (let i = 0; i < prof.samples.length; i++) {
  const id = prof.samples[i]
  selfUs.set(id, (selfUs.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0))
}
const total = [...selfUs.values()].reduce((a, b) => a + b, 0)

function where(url) {
  if (!url) return '(native / V8)'
  if (url.startsWith('node:')) return 'node: internals'
  const nm = url.lastIndexOf('/node_modules/')
  if (nm >= 0) {
    const rest = url.slice(nm + 14).split('/')
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]
  }
  const dist = url.indexOf('/dist/')
  if (dist >= 0) return 'ukey dist/'
  return url.replace(/^file:\/\//, '')
}
function short(url) {
  if (!url) return ''
  const nm = url.lastIndexOf('/node_modules/')
  if (nm >= 0) return url.slice(nm + 14)
  const dist = url.indexOf('/dist/')
  if (dist >= 0) return url.slice(dist + 1)
  return url.replace(/^file:\/\//, '')
}

const fn = new Map()
const group = new Map()
for (const [id, us] of selfUs) {
  const n = byId.get(id)
  const cf = n.callFrame
  const key = `${cf.functionName || '(anonymous)'}  ${short(cf.url)}${cf.url ? `:${cf.lineNumber + 1}` : ''}`
  fn.set(key, (fn.get(key) ?? 0) + us)
  const g = where(cf.url)
  group.set(g, (group.get(g) ?? 0) + us)
}
const ms = (us) => (us / 1000).toFixed(1).padStart(8)
const pct = (us) => ((100 * us) / total).toFixed(1).padStart(5) + ' %'
console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled`)
console.log('\nself time by place:')
for (const [k, v] of [...group].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${ms(v)} ms ${pct(v)}  ${k}`)
console.log(`\ntop ${top} functions by self time:`)
for (const [k, v] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(v)} ms ${pct(v)}  ${k}`)
