import type { Rule } from '../types.js'
import { rule0116 } from './0116.js'
import { rule0124 } from './0124.js'
import { rule4037 } from './403.7.js'
import { rule9002 } from './9002.js'

export { healthRule } from './health.js'

/** The codes ukey knows, in the FAQ's order. A new code is a new file here and one entry below: data, not engine code. */
export const RULES: readonly Rule[] = [rule0124, rule9002, rule0116, rule4037]

/**
 * "HTTP 403.7 Forbidden" → "http 403.7 forbidden"; full-width colons and commas like the
 * ASCII ones (，：。 written as \u escapes: scripts/build.mjs keeps the bundles ASCII).
 */
function normalize(s: string): string {
  return s.normalize('NFKC').trim().toLowerCase().replace(/[\uff0c,\uff1a:\u3002.]+$/u, '').replace(/\s+/g, ' ')
}

/**
 * The rule for what a customer or technician typed: the code, an alias, or the
 * code followed by the message ("0124 生成密钥对失败", "HTTP 403.7 Forbidden: …").
 */
export function findRule(input: string, rules: readonly Rule[] = RULES): Rule | undefined {
  const n = normalize(input)
  const exact = rules.find((r) => [r.code, ...r.aliases].some((a) => normalize(a) === n))
  if (exact) return exact
  const first = n.replace(/^http /, '').split(/[\s:\uff1a]/)[0] ?? ''
  return rules.find((r) => [r.code, ...r.aliases].some((a) => normalize(a) === first))
}
