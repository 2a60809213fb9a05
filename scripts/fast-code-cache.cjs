// Build time (scripts/build.mjs): runs one fast command as bin/run.js does and, at
// its exit, writes the code V8 compiled for its bundle to DIST/fast/ID.cjs.cache.
// Made after a run, the cache also holds the functions that run called (made after
// compiling only, it holds the top level alone and saves less: bench/README.md).
// bin/run.js gives it to V8, which rejects it under another Node or other V8 flags.
//
//   node scripts/fast-code-cache.cjs DIST ID ARG...
'use strict'
const { writeFileSync } = require('node:fs')
const { join } = require('node:path')
const { loadBundle } = require('../bin/run.js')

const [dist, id, ...argv] = process.argv.slice(2)
const parsed = require(join(dist, 'fast/entry.cjs')).acceptLine(id, argv)
if (!parsed) throw new Error(`fast-code-cache: the fast path does not take ${id} ${argv.join(' ')}`)
const file = join(dist, 'fast', `${id}.cjs`)
let script
process.on('exit', () => {
  // V8 stamps a cache with its flags and rejects it under others: the flags a command's
  // body changes while it runs (src/platform/v8-tuning.ts) are back to Node’s own here.
  require('node:v8').setFlagsFromString('--turbofan')
  writeFileSync(file + '.cache', script.createCachedData())
})
loadBundle(file, { name: `dist/fast/${id}.cjs`, onScript: (s) => (script = s) }).start(argv, parsed)
