import { UkeyError } from '../../errors.js'

/**
 * The Windows certificate store of the user (CurrentUser\My, "Personal" in
 * certmgr.msc): where a bank's enrolment page or the vendor's management tool
 * puts the customer's certificate. FAQ 10.1/11.1/12.2/13.1 send customers
 * without their key to "the computer where the digital certificate is
 * installed": on Windows, this store.
 *
 * Read through crypt32 with koffi (prebuilt: no compiler at install). Every
 * crypt32 function is WINAPI, i.e. __stdcall: the same as the default on x64
 * and arm64, but a different stack discipline on ia32, where a wrong
 * convention corrupts the stack on the first call.
 */

/** The system store names ukey reads (CertOpenStore's pvPara); `my` is the user's personal store. */
export const WINDOWS_STORES = ['my'] as const
export type WindowsStoreName = (typeof WINDOWS_STORES)[number]

export interface StoreCertificate {
  /** The certificate as stored (X.509 DER). */
  der: Buffer
  /**
   * CERT_KEY_PROV_INFO_PROP_ID: the CSP or KSP holding the private key (which
   * vendor's USB key, e.g. a vendor's "… CSP v1.0", or "Microsoft Software Key
   * Storage Provider" for a key on this computer), and its key container.
   * Absent when the certificate has no private key here.
   */
  keyProvider?: { provider: string; container: string; providerType: number; keySpec: number }
}

// wincrypt.h constants.
const CERT_STORE_PROV_SYSTEM_W = 10n
const CERT_SYSTEM_STORE_CURRENT_USER = 1 << 16
const CERT_STORE_OPEN_EXISTING_FLAG = 0x4000
const CERT_STORE_READONLY_FLAG = 0x8000
const CERT_KEY_PROV_INFO_PROP_ID = 2

type Koffi = typeof import('koffi').default
type Fn = (...args: unknown[]) => unknown

interface Crypt32 {
  koffi: Koffi
  openStore: Fn
  closeStore: Fn
  enumCertificates: Fn
  getProperty: Fn
  freeContext: Fn
  CERT_CONTEXT: ReturnType<Koffi['struct']>
  CERT_KEY_PROV_INFO: ReturnType<Koffi['struct']>
}

let crypt32: Promise<Crypt32> | undefined

/** crypt32 through koffi, loaded on first use: only `--store` and diagnose on Windows pay for it. */
async function loadCrypt32(): Promise<Crypt32> {
  const { loadKoffi } = await import('../../platform/koffi.js')
  const koffi = loadKoffi()
  const lib = koffi.load('crypt32.dll')
  // wincrypt.h: CERT_CONTEXT and CRYPT_KEY_PROV_INFO, natural alignment (no #pragma pack).
  const CERT_CONTEXT = koffi.struct({
    dwCertEncodingType: 'uint32_t',
    pbCertEncoded: 'void *',
    cbCertEncoded: 'uint32_t',
    pCertInfo: 'void *',
    hCertStore: 'void *',
  })
  const CERT_KEY_PROV_INFO = koffi.struct({
    pwszContainerName: 'str16',
    pwszProvName: 'str16',
    dwProvType: 'uint32_t',
    dwFlags: 'uint32_t',
    cProvParam: 'uint32_t',
    rgProvParam: 'void *',
    dwKeySpec: 'uint32_t',
  })
  const f = (name: string, result: string, args: unknown[]): Fn => lib.func('__stdcall', name, result, args as string[]) as Fn
  return {
    koffi,
    openStore: f('CertOpenStore', 'void *', ['void *', 'uint32_t', 'void *', 'uint32_t', 'str16']),
    closeStore: f('CertCloseStore', 'bool', ['void *', 'uint32_t']),
    enumCertificates: f('CertEnumCertificatesInStore', 'void *', ['void *', 'void *']),
    getProperty: f('CertGetCertificateContextProperty', 'bool', ['void *', 'uint32_t', 'void *', koffi.inout(koffi.pointer('uint32_t'))]),
    freeContext: f('CertFreeCertificateContext', 'bool', ['void *']),
    CERT_CONTEXT,
    CERT_KEY_PROV_INFO,
  }
}

/**
 * Every certificate in the user's system store `name`, in the store's order.
 * Only on Windows: elsewhere STORE_WINDOWS_ONLY (NSS and the macOS Keychain
 * would be other stores with other names).
 */
export async function readWindowsStore(name: WindowsStoreName, platform: NodeJS.Platform = process.platform): Promise<StoreCertificate[]> {
  if (platform !== 'win32') throw new UkeyError('STORE_WINDOWS_ONLY', { params: { store: name } })
  let c: Crypt32
  try {
    c = await (crypt32 ??= loadCrypt32())
  } catch (e) {
    crypt32 = undefined
    throw new UkeyError('STORE_UNREADABLE', { params: { store: name, detail: e instanceof Error ? e.message : String(e) }, cause: e })
  }
  const { koffi } = c
  // Read-only and never created: looking must not add an empty store to the user's profile.
  const store = c.openStore(CERT_STORE_PROV_SYSTEM_W, 0, null, CERT_SYSTEM_STORE_CURRENT_USER | CERT_STORE_OPEN_EXISTING_FLAG | CERT_STORE_READONLY_FLAG, name.toUpperCase())
  if (!store) return [] // no such store for this user yet: nothing installed
  const out: StoreCertificate[] = []
  try {
    let ctx: unknown = null
    // Each call frees the previous context and returns the next (MSDN, CertEnumCertificatesInStore).
    while ((ctx = c.enumCertificates(store, ctx))) {
      const cc = koffi.decode(ctx, c.CERT_CONTEXT) as { pbCertEncoded: bigint; cbCertEncoded: number }
      const der = Buffer.from(koffi.view(cc.pbCertEncoded, cc.cbCertEncoded)).subarray(0, cc.cbCertEncoded)
      const keyProvider = readKeyProvider(c, ctx)
      out.push({ der: Buffer.from(der), ...(keyProvider ? { keyProvider } : {}) })
    }
  } finally {
    c.closeStore(store, 0)
  }
  return out
}

function readKeyProvider(c: Crypt32, ctx: unknown): StoreCertificate['keyProvider'] {
  const size = [0]
  if (!c.getProperty(ctx, CERT_KEY_PROV_INFO_PROP_ID, null, size) || !size[0]) return undefined
  // The property is one block: the structure, then the strings its pointers point at.
  const block = c.koffi.alloc('uint8_t', size[0])
  try {
    if (!c.getProperty(ctx, CERT_KEY_PROV_INFO_PROP_ID, block, size)) return undefined
    const info = c.koffi.decode(block, c.CERT_KEY_PROV_INFO) as { pwszContainerName: string | null; pwszProvName: string | null; dwProvType: number; dwKeySpec: number }
    return { provider: info.pwszProvName ?? '', container: info.pwszContainerName ?? '', providerType: info.dwProvType, keySpec: info.dwKeySpec }
  } finally {
    c.koffi.free(block)
  }
}
