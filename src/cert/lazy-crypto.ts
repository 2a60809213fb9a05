import type * as Crypto from 'node:crypto'

// Not named `crypto`: bundled as a script (the batch threads' eval'd program) a top-level
// `var crypto` is the global Web Crypto object, already set, and `??=` would keep it.
let loaded: typeof Crypto | undefined

/**
 * node:crypto, loaded on first use. The check-window fast path reaches the
 * certificate JSON builder (identity.ts) but its table output never hashes, and
 * a static import would load node:crypto at every start (+3.5 ms user time
 * against `node -e 0` on this machine, hyperfine -N, 30 runs).
 * process.getBuiltinModule (Node ≥ 20.16), not createRequire(import.meta.url): the
 * batch threads run this code as an eval'd CommonJS program, where import.meta has no URL.
 */
export function nodeCrypto(): typeof Crypto {
  return (loaded ??= process.getBuiltinModule('node:crypto'))
}
