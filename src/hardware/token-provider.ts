import type { ProviderFactory } from './tokens.js'

/** The real provider (ukey's PKCS#11 binding over koffi), loaded only by commands that reach a token. */
export const realProviderFactory: ProviderFactory = async (paths) => {
  const { Pkcs11TokenProvider } = await import('./pkcs11/pkcs11-provider.js')
  return Pkcs11TokenProvider.create(paths)
}
