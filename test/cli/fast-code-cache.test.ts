// The code V8 compiled for each fast bundle at build time (scripts/fast-code-cache.cjs)
// is taken by a process started as users start ukey: V8 rejects a cache made under other
// flags, and renew's cache is made from a renewal that changes them while it runs
// (src/platform/v8-tuning.ts). A rejected cache is no error, only a slower start, so
// nothing else would notice.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../helpers/cli.js'

const FAST = join(ROOT, 'dist/fast')
const bundles = readdirSync(FAST).filter((f) => f.endsWith('.cjs.cache')).map((f) => f.slice(0, -'.cache'.length))

describe('fast bundles’ code caches', () => {
  it('exist for the commands people type most', () => {
    expect(bundles.sort()).toEqual(['check-window.cjs', 'detect.cjs', 'diagnose.cjs', 'renew.cjs'])
  })

  it.each(bundles)('%s: accepted by V8 as bin/run.js loads it', (bundle) => {
    // bin/run.js's own loader, in a fresh process with Node's default flags.
    const probe = `const { Script } = require('node:vm')
let script
try { require(${JSON.stringify(join(ROOT, 'bin/run.js'))}).loadBundle(${JSON.stringify(join(FAST, bundle))}, { onScript: (s) => { script = s; throw new Error('compiled') } }) } catch {}
process.stdout.write(JSON.stringify({ rejected: script.cachedDataRejected }))`
    const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' })
    expect(r.status, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({ rejected: false })
  })
})
