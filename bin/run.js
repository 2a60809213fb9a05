#!/usr/bin/env node
// CommonJS (bin/package.json): Node's ESM loader costs ~5 ms of every start, and
// the fast path below never needs it (bench/README.md, start-up).
//
// `ukey check-window|detect|diagnose|renew …` with a plain command line start without
// oclif: dist/fast/entry.cjs reads the line, and the command's own bundle
// (dist/fast/<id>.cjs) runs it. Anything it does not take runs through oclif as
// every other command does. UKEY_NO_FAST_PATH=1 always takes oclif (the tests
// compare both paths).
'use strict'
const { readFileSync } = require('node:fs')
const { dirname, join } = require('node:path')

/**
 * Loads a CommonJS bundle as require() does, with the code V8 compiled for it at
 * build time (FILE.cache, scripts/fast-code-cache.cjs) when this Node's V8 accepts
 * it: no parsing and compiling of the bundle's functions on every start. V8 checks
 * the cache (its version and flags, the source) and compiles the source when it is
 * rejected or missing. A script compiled from the cache keeps the name it was built
 * under (in stack traces): `dist/fast/<id>.cjs`, the same on every install.
 * `onScript` sees the compiled script (the build makes the cache from it).
 */
function loadBundle(file, { name = file, onScript } = {}) {
  const { Script } = require('node:vm')
  // The CommonJS loader's own class: require('node:module') would load the public module
  // and the ESM loader behind it (a fast command never uses them).
  const Module = module.constructor
  let cachedData
  try {
    cachedData = readFileSync(file + '.cache')
  } catch {
    // no cache: compiled from source
  }
  const script = new Script(Module.wrap(readFileSync(file, 'utf8')), { filename: name, cachedData })
  onScript?.(script)
  const bundle = { exports: {} }
  script.runInThisContext().call(bundle.exports, bundle.exports, Module.createRequire(file), bundle, file, dirname(file))
  return bundle.exports
}

/** Runs the command line: the fast path when it takes the line, else oclif. */
function main(argv) {
  const FAST = ['check-window', 'detect', 'diagnose', 'renew']
  const parsed = FAST.includes(argv[0]) && !process.env.UKEY_NO_FAST_PATH ? require('../dist/fast/entry.cjs').acceptLine(argv[0], argv.slice(1)) : undefined
  if (parsed) loadBundle(join(__dirname, `../dist/fast/${argv[0]}.cjs`)).start(argv.slice(1), parsed)
  else void import('../dist/ukey.js').then(({ main }) => main())
}

if (require.main === module) {
  // Once the event loop is empty (every write delivered, every handle closed), exit
  // without tearing the V8 heap down page by page: Node's natural end frees each heap
  // page and its isolate, process.exit() leaves that to the OS. 3–4 ms of a renewal
  // (55 munmaps after the last write instead of 5, bench/README.md, session 9).
  // Last in line: a beforeExit listener added later (a dependency's) still runs, and Node then ends the usual way.
  process.once('beforeExit', () => {
    if (process.listenerCount('beforeExit') === 0) process.exit()
  })
  main(process.argv.slice(2))
}
else module.exports = { loadBundle }
