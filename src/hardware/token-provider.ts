import type { ProviderFactory } from './tokens.js'

/** The real provider (graphene-pk11 over the native pkcs11js), loaded only by commands that reach a token. */
export const realProviderFactory: ProviderFactory = async (paths) => {
  const { GrapheneTokenProvider } = await import('./pkcs11/graphene-provider.js')
  return GrapheneTokenProvider.create(paths)
}
