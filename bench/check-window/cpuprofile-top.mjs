#!/usr/bin/env node
// Summarises a V8 .cpuprofile (node --cpu-prof): top functions by self time, and
// self time grouped by where the code lives (ukey src/, each node_modules
// package, node: internals, GC / native). Code in a bundle (dist/*.js with a
// .map beside it) is mapped back to its original file through the source map.
//
//   node --cpu-prof --cpu-prof-dir=bench/out/prof bin/run.js check-window -r DIR --quiet
//   node bench/check-window/cpuprofile-top.mjs bench/out/prof/<file>.cpuprofile [top=25]
import { existsSync, readFileSync } from 'node:fs'
import { SourceMap } from 'node:module'
import { fileURLToPath } from 'node:url'

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

const maps = new Map()
function sourceMap(url) {
  if (!maps.has(url)) {
    let map = null
    try {
      const path = url.startsWith('file://') ? fileURLToPath(url) : url
      if (existsSync(`${path}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8')))
    } catch {
      map = null
    }
    maps.set(url, map)
  }
  return maps.get(url)
}
/** The original file and 1-based line of a call frame, through the bundle's source map when there is one. */
function original(cf) {
  const map = cf.url && !cf.url.startsWith('node:') ? sourceMap(cf.url) : null
  if (map) {
    const e = map.findEntry(cf.lineNumber, cf.columnNumber)
    if (e && e.originalSource) return { file: e.originalSource, line: e.originalLine + 1 }
  }
  return { file: cf.url, line: cf.lineNumber + 1 }
}

function where(file) {
  if (!file) return '(native / V8)'
  if (file.startsWith('node:')) return 'node: internals'
  const nm = file.lastIndexOf('/node_modules/')
  if (nm >= 0) {
    const rest = file.slice(nm + 14).split('/')
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]
  }
  if (file.includes('/src/')) return 'ukey src/'
  if (file.includes('/dist/')) return 'ukey dist/ (no source map)'
  return file.replace(/^file:\/\//, '')
}
function short(file) {
  if (!file) return ''
  const nm = file.lastIndexOf('/node_modules/')
  if (nm >= 0) return file.slice(nm + 14)
  for (const dir of ['/src/', '/dist/']) {
    const i = file.lastIndexOf(dir)
    if (i >= 0) return file.slice(i + 1)
  }
  return file.replace(/^file:\/\//, '')
}

const fn = new Map()
const group = new Map()
for (const [id, us] of selfUs) {
  const n = byId.get(id)
  const cf = n.callFrame
  const o = original(cf)
  const key = `${cf.functionName || '(anonymous)'}  ${short(o.file)}${o.file ? `:${o.line}` : ''}`
  fn.set(key, (fn.get(key) ?? 0) + us)
  const g = where(o.file)
  group.set(g, (group.get(g) ?? 0) + us)
}
const ms = (us) => (us / 1000).toFixed(1).padStart(8)
const pct = (us) => ((100 * us) / total).toFixed(1).padStart(5) + ' %'
console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled`)
console.log('\nself time by place:')
for (const [k, v] of [...group].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${ms(v)} ms ${pct(v)}  ${k}`)
console.log(`\ntop ${top} functions by self time:`)
for (const [k, v] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(v)} ms ${pct(v)}  ${k}`)
