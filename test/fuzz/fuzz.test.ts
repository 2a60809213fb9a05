// The short fuzz run in the normal suite: every target of test/fuzz/targets.ts
// for a few thousand cases from a fixed seed — the same code as the long run
// (bash scripts/fuzz.sh 100000 <seed>), so a finding there can be replayed
// here with its seed. No crash, no hang, no untyped error.

import { describe, expect, it } from 'vitest'
import { runTarget, TARGETS } from './targets.js'

const CASES = Number(process.env['UKEY_FUZZ_CASES'] ?? 2_000)
const SEED = Number(process.env['UKEY_FUZZ_SEED'] ?? 20_261_130)

describe(`fuzz: ${CASES} cases per reader, seed ${SEED}`, () => {
  for (const t of TARGETS) {
    it(`${t.name}: ${t.covers}`, async () => {
      const report = await runTarget(t, CASES, SEED)
      expect(report.failure).toBeUndefined()
      expect(report.cases).toBe(CASES)
      // The mutations reach past the framing: some cases decode (or open) fully.
      expect(Object.keys(report.outcomes).filter((k) => !/Error/.test(k) || k.startsWith('details-') || k.startsWith('parsed:')).length).toBeGreaterThan(0)
    }, 300_000)
  }
})
