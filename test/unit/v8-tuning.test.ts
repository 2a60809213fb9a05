// V8's optimising compiler stopped for the rest of a renewal, by the CLI's process only
// (src/platform/v8-tuning.ts): an in-process caller never has V8's flags changed under it.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '../..')

// A hot function, then V8's own word on whether TurboFan optimised it (natives syntax, child process only).
function optimisedAfter(calls: string): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'ukey-v8-tuning-'))
  const file = join(dir, 'probe.ts')
  writeFileSync(file, `import { allowV8Tuning, stopOptimising } from ${JSON.stringify(join(ROOT, 'src/platform/v8-tuning.ts'))}
${calls}
function add(x: number): number { return x + 1 }
let s = 0
for (let i = 0; i < 2e6; i++) s = add(s)
// %GetOptimizationStatus: 64 is "TurboFan code" (16 is any optimised tier, Maglev's included).
console.log(JSON.stringify({ turbofan: (eval('%GetOptimizationStatus(add)') & 64) !== 0, s }))
void allowV8Tuning
`)
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', file], { cwd: ROOT, encoding: 'utf8' })
  rmSync(dir, { recursive: true, force: true })
  expect(r.status, r.stderr).toBe(0)
  return (JSON.parse(r.stdout) as { turbofan: boolean }).turbofan
}

describe('V8 tuning', () => {
  it('stops TurboFan once the process allowed it', () => {
    expect(optimisedAfter('allowV8Tuning(); stopOptimising()')).toBe(false)
  })

  it('changes nothing for a caller that did not allow it (a test, an embedding program)', () => {
    expect(optimisedAfter('stopOptimising()')).toBe(true)
  })
})
