import type * as G from 'graphene-pk11'
import { UkeyError } from '../../errors.js'
import { ckrName, toUkeyError } from './errors.js'
import { GrapheneTokenSession } from './graphene-session.js'
import { acquireModule, loadGraphene, releaseModule, type LoadedModule } from './loaded-module.js'
import { CKF_TOKEN_PRESENT, handleToDecimal, isInitialized, moduleInfo, tokenInfo } from './token-info.js'
import type { ModuleInfo, TokenInfo, TokenProvider, TokenSession } from './types.js'

type ListResult = Awaited<ReturnType<TokenProvider['listTokens']>>

/**
 * The tokens behind a list of PKCS#11 modules (from `discoverModules`), through
 * graphene-pk11. Nothing is loaded until `listTokens` or `open`; each library is
 * loaded once per process however many providers name it (see LoadedModule);
 * `close` closes this provider's sessions and finalises the modules nobody else uses.
 */
export class GrapheneTokenProvider implements TokenProvider {
  private readonly modules = new Map<string, LoadedModule>()
  private readonly sessions = new Set<GrapheneTokenSession>()

  constructor(readonly paths: readonly string[]) {}

  static create(paths: readonly string[]): GrapheneTokenProvider {
    return new GrapheneTokenProvider(paths)
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
    const g = await loadGraphene()
    const mod = await this.module(token.module.path)
    const session = await mod.queue.run(() => {
      try {
        const slot = findSlot(mod.module, token)
        if (!slot) throw new UkeyError('TOKEN_REMOVED')
        const info = tokenInfo(token.module, slot, slot.getToken())
        let s: G.Session
        try {
          s = slot.open(g.SessionFlag.SERIAL_SESSION | g.SessionFlag.RW_SESSION)
        } catch (e) {
          // A write-protected key still shows its certificates and signs.
          if (ckrName(e) !== 'CKR_TOKEN_WRITE_PROTECTED') throw e
          s = slot.open(g.SessionFlag.SERIAL_SESSION)
        }
        return new GrapheneTokenSession(g, mod, slot, s, info, (closed) => {
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

function slots(module: G.Module): G.Slot[] {
  const list = module.getSlots(true)
  const out: G.Slot[] = []
  for (let i = 0; i < list.length; i++) {
    try {
      out.push(list.items(i))
    } catch {
      // A reader unplugged between C_GetSlotList and C_GetSlotInfo.
    }
  }
  return out
}

function readTokens(path: string, module: G.Module): TokenInfo[] {
  const mi: ModuleInfo = moduleInfo(path, module)
  const out: TokenInfo[] = []
  for (const slot of slots(module)) {
    if (!(slot.flags & CKF_TOKEN_PRESENT)) continue
    let token: G.Token
    try {
      token = slot.getToken()
    } catch {
      continue // removed, or a token the module cannot read: not one we can use
    }
    // SoftHSM always shows one empty slot for the next token; blank vendor keys look the same.
    if (!isInitialized(token.flags)) continue
    out.push(tokenInfo(mi, slot, token))
  }
  return out
}

/** The token's slot, by id and serial; a key pulled out and put back may come back under another slot id. */
function findSlot(module: G.Module, token: TokenInfo): G.Slot | undefined {
  const present = slots(module).filter((s) => s.flags & CKF_TOKEN_PRESENT)
  const serialOf = (s: G.Slot): string | undefined => {
    try {
      return s.getToken().serialNumber.trim()
    } catch {
      return undefined
    }
  }
  return (
    present.find((s) => handleToDecimal(s.handle) === token.slotId && serialOf(s) === token.serial) ??
    present.find((s) => serialOf(s) === token.serial && token.serial !== '')
  )
}
