import type { UkeyError } from '../../errors.js'
import type { TokenInfo, TokenProvider, TokenSession } from './types.js'

/**
 * A provider over the modules that can be loaded, which also reports the ones
 * discovery already knows cannot be (a 32-bit DLL under 64-bit Node): they are
 * never handed to the loader, whose only words for them are "Bad EXE format",
 * and every caller of listTokens sees them as module errors, as it sees a
 * module that failed to load.
 */
export class WithUnloadableModules implements TokenProvider {
  constructor(
    private readonly inner: TokenProvider,
    private readonly unloadable: Array<{ path: string; error: UkeyError }>,
  ) {}

  async listTokens(): ReturnType<TokenProvider['listTokens']> {
    const listed = await this.inner.listTokens()
    return { tokens: listed.tokens, moduleErrors: [...this.unloadable, ...listed.moduleErrors] }
  }

  open(token: TokenInfo): Promise<TokenSession> {
    return this.inner.open(token)
  }

  close(): Promise<void> {
    return this.inner.close()
  }
}
