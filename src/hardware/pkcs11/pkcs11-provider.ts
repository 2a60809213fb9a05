import { UkeyError } from '../../errors.js'
import type { Cryptoki } from './cryptoki.js'
import { CKF_RW_SESSION, CKF_SERIAL_SESSION, CKF_TOKEN_PRESENT } from './cryptoki-constants.js'
import { ckrName, toUkeyError } from './errors.js'
import { acquireModule, releaseModule, type LoadedModule } from './loaded-module.js'
import { Pkcs11TokenSession } from './pkcs11-session.js'
import { isInitialized, moduleInfo, tokenInfo } from './token-info.js'
import type { ModuleInfo, TokenInfo, TokenProvider, TokenSession } from './types.js'

type ListResult = Awaited<ReturnType<TokenProvider['listTokens']>>

/**
 * The tokens behind a list of PKCS#11 modules (from `discoverModules`), through
 * ukey's koffi binding (cryptoki.ts). Nothing is loaded until `listTokens` or
 * `open`; each library is loaded once per process however many providers name it
 * (see LoadedModule); `close` closes this provider's sessions and finalises the
 * modules nobody else uses.
 */
export class Pkcs11TokenProvider implements TokenProvider {
  private readonly modules = new Map<string, LoadedModule>()
  private readonly sessions = new Set<Pkcs11TokenSession>()

  constructor(readonly paths: readonly string[]) {}

  static create(paths: readonly string[]): Pkcs11TokenProvider {
    return new Pkcs11TokenProvider(paths)
  }

  private async module(path: string): Promise<LoadedModule> {
    const known = this.modules.get(path)
    if (known?.users.has(this)) return known
    const mod = await acquireModule(path, this)
    this.modules.set(path, mod)
    return mod
  }

  async listTokens(): Promise<ListResult> {
    const result: ListResult = { tokens: [], moduleErrors: [] }
    const listed = new Set<LoadedModule>()
    for (const path of this.paths) {
      let mod: LoadedModule
      try {
        mod = await this.module(path)
      } catch (e) {
        result.moduleErrors.push({ path, error: toUkeyError(e) })
        continue
      }
      // Two names for one library (a symlink, p11-kit's copy of a vendor path): its tokens once.
      if (listed.has(mod)) continue
      listed.add(mod)
      try {
        result.tokens.push(...(await mod.queue.run(() => readTokens(path, mod.module))))
      } catch (e) {
        result.moduleErrors.push({ path, error: toUkeyError(e) })
      }
    }
    return result
  }

  async open(token: TokenInfo): Promise<TokenSession> {
    const mod = await this.module(token.module.path)
    const ck = mod.module
    const session = await mod.queue.run(() => {
      try {
        const slot = findSlot(ck, token)
        if (slot === undefined) throw new UkeyError('TOKEN_REMOVED')
        const info = tokenInfo(token.module, slot, ck.getSlotInfo(slot), ck.getTokenInfo(slot))
        let handle: bigint
        try {
          handle = ck.openSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION)
        } catch (e) {
          // A write-protected key still shows its certificates and signs.
          if (ckrName(e) !== 'CKR_TOKEN_WRITE_PROTECTED') throw e
          handle = ck.openSession(slot, CKF_SERIAL_SESSION)
        }
        return new Pkcs11TokenSession(mod, slot, handle, info, (closed) => {
          mod.sessions.delete(closed)
          this.sessions.delete(closed)
        })
      } catch (e) {
        throw toUkeyError(e, { operation: 'C_OpenSession' })
      }
    })
    mod.sessions.add(session)
    this.sessions.add(session)
    return session
  }

  async close(): Promise<void> {
    for (const s of [...this.sessions]) await s.close()
    const mods = new Set(this.modules.values())
    this.modules.clear()
    for (const mod of mods) await releaseModule(mod, this)
  }
}

/** Slots with a token in them (CKF_TOKEN_PRESENT); a reader unplugged between C_GetSlotList and C_GetSlotInfo is skipped. */
function presentSlots(ck: Cryptoki): bigint[] {
  return ck.getSlotList(true).filter((slot) => {
    try {
      return (ck.getSlotInfo(slot).flags & CKF_TOKEN_PRESENT) !== 0
    } catch {
      return false
    }
  })
}

function readTokens(path: string, ck: Cryptoki): TokenInfo[] {
  const mi: ModuleInfo = moduleInfo(path, ck.getInfo())
  const out: TokenInfo[] = []
  for (const slot of presentSlots(ck)) {
    let info: TokenInfo
    let flags: number
    try {
      const token = ck.getTokenInfo(slot)
      flags = token.flags
      info = tokenInfo(mi, slot, ck.getSlotInfo(slot), token)
    } catch {
      continue // removed, or a token the module cannot read: not one we can use
    }
    // SoftHSM always shows one empty slot for the next token; blank vendor keys look the same.
    if (!isInitialized(flags)) continue
    out.push(info)
  }
  return out
}

/** The token's slot, by id and serial; a key pulled out and put back may come back under another slot id. */
function findSlot(ck: Cryptoki, token: TokenInfo): bigint | undefined {
  const present = presentSlots(ck)
  const serialOf = (slot: bigint): string | undefined => {
    try {
      return ck.getTokenInfo(slot).serialNumber.trim()
    } catch {
      return undefined
    }
  }
  return (
    present.find((s) => s.toString(10) === token.slotId && serialOf(s) === token.serial) ??
    present.find((s) => serialOf(s) === token.serial && token.serial !== '')
  )
}
