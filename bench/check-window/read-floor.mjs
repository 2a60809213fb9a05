#!/usr/bin/env node
// Baseline (c) of the check-window benchmark: the floor. A Node process that only
// walks the tree (sorted, recursive, the same extensions ukey takes) and reads
// every file with readFileSync: no parsing, no output but a count. Whatever ukey
// takes above this is its own work (start-up, oclif, parsing, classifying, output).
//
//   node bench/check-window/read-floor.mjs DIR...
import { readFileSync, readdirSync } from 'node:fs'
import { extname, join } from 'node:path'

const EXTS = new Set(['.pem', '.crt', '.cer', '.cert', '.der', '.p7b', '.p7c', '.pfx', '.p12'])
let files = 0
let bytes = 0

function walk(dir) {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  for (const e of entries) {
    const path = join(dir, e.name)
    if (e.isDirectory()) walk(path)
    else if (EXTS.has(extname(e.name).toLowerCase())) {
      bytes += readFileSync(path).length
      files++
    }
  }
}

for (const dir of process.argv.slice(2)) walk(dir)
process.stdout.write(`${files} files, ${bytes} bytes\n`)
