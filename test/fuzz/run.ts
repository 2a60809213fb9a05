// The long fuzz run (scripts/fuzz.sh): every target, or those named, for N
// cases from a seed; one JSON line per target on stdout and appended to
// test/fuzz/runs.jsonl (the record of runs: case counts, seeds, times,
// outcomes). Exit 1 if any target found an untyped error or a hang.
//   npx tsx test/fuzz/run.ts --cases 100000 --seed 1 [--target cmp,pem] [--scratch: not recorded]

import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { runTarget, TARGETS } from './targets.js'

const { values } = parseArgs({ options: { cases: { type: 'string', default: '100000' }, seed: { type: 'string' }, target: { type: 'string' }, scratch: { type: 'boolean', default: false } } })
const cases = Number(values.cases)
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed)
if (!Number.isSafeInteger(cases) || cases < 1 || !Number.isSafeInteger(seed)) {
  process.stderr.write('usage: run.ts --cases N --seed S [--target a,b]\n')
  process.exit(2)
}
const wanted = values.target?.split(',')
const targets = TARGETS.filter((t) => !wanted || wanted.includes(t.name))
let failed = false
for (const t of targets) {
  const record = values.scratch ? undefined : join(import.meta.dirname, 'runs.jsonl')
  const report = await runTarget(t, cases, seed, record ? { record } : {})
  const line = JSON.stringify({ at: new Date().toISOString(), node: process.version, ...report })
  process.stdout.write(line + '\n')
  if (record) appendFileSync(record, line + '\n')
  if (report.failure) failed = true
}
process.exit(failed ? 1 : 0)
