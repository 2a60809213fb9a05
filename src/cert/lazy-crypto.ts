import { createRequire } from 'node:module'
import type * as Crypto from 'node:crypto'

let crypto: typeof Crypto | undefined

/**
 * node:crypto, loaded on first use. The check-window fast path reaches the
 * certificate JSON builder (identity.ts) but its table output never hashes, and
 * a static import would load node:crypto at every start (+3.5 ms user time
 * against `node -e 0` on this machine, hyperfine -N, 30 runs).
 */
export function nodeCrypto(): typeof Crypto {
  return (crypto ??= createRequire(import.meta.url)('node:crypto') as typeof Crypto)
}
