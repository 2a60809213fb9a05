import { EXIT } from '../output/exit-codes.js'
import type { Verdict } from './types.js'

export const VERDICT_EXIT: Record<Verdict, number> = { ok: EXIT.OK, action: EXIT.DIAGNOSIS_ACTION, faulty: EXIT.DIAGNOSIS_FAULTY }

export function verdictExit(v: Verdict): number {
  return VERDICT_EXIT[v]
}
