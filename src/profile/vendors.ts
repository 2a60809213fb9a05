/**
 * The USB-key vendors a bank supports. FAQ 1: the first two digits of the number
 * printed on the key are the vendor code. USB ids from usb.ids and libccid
 * (shared/notes/umockdev.md); none is public for Daming. PKCS#11 module file
 * names: the ones public sources name, each with its source below; a bank's
 * build of a vendor tool may ship its own name, which its profile lists.
 * Discovery looks for them in the vendor's folders and the system's
 * (platform/module-paths.ts) and reads the p11-kit registrations.
 * No public source names a PKCS#11 module file for Huada or Daming keys: their
 * entries name none (a bank profile must).
 */

export interface UsbId {
  vendorId: number
  productIds: number[] | null
}

export interface Vendor {
  code: string
  name: { 'zh-CN': string; en: string }
  usb: UsbId[]
  /** Substrings of the PKCS#11 manufacturerID / token manufacturer that mean this vendor. */
  manufacturerPatterns: string[]
  /** Module file names per platform (process.platform), searched in `searchPaths`, then the system's library folders. */
  modules: Partial<Record<NodeJS.Platform, string[]>>
  /** The vendor's own install folders (Windows: %VARIABLES% allowed), searched before the system's. */
  searchPaths: Partial<Record<NodeJS.Platform, string[]>>
  /** Oldest module version the bank supports ("major.minor"); older means "update the management tool" (FAQ 2). */
  minModuleVersion: string | null
}

export const BUILTIN_VENDORS: Vendor[] = [
  {
    code: '11',
    name: { 'zh-CN': '捷德', en: 'Giesecke & Devrient' },
    usb: [{ vendorId: 0x1059, productIds: null }],
    manufacturerPatterns: ['Giesecke', 'G&D', 'G+D'],
    // G+D's SafeSign Identity Client (A.E.T. Europe, a G+D company). Source: demoiselle/signer,
    // core/.../keystore/loader/configuration/Configuration.java @56144ff ("safesign_ou_gd",
    // "TokenOuSmartCard_61_GD"): %SystemRoot%\system32\aetpkss1.dll, /usr/lib/libaetpkss.so,
    // /usr/local/lib/libaetpkss.dylib and /Applications/tokenadmin.app/Contents/Frameworks/libaetpkss.dylib.
    modules: { win32: ['aetpkss1.dll'], linux: ['libaetpkss.so'], darwin: ['libaetpkss.dylib'] },
    searchPaths: { darwin: ['/Applications/tokenadmin.app/Contents/Frameworks'] },
    minModuleVersion: null,
  },
  {
    code: '21',
    name: { 'zh-CN': '握奇', en: 'Watchdata' },
    usb: [{ vendorId: 0x163c, productIds: [0x0406, 0x0407, 0x0417, 0x0418, 0x0a03] }],
    manufacturerPatterns: ['Watchdata', 'WatchData', '握奇'],
    // Source: demoiselle/signer Configuration.java @56144ff ("watchdata", "watchdata_ccid"):
    // %SystemRoot%\system32\WDPKCS.dll and WDICP_P11_CCID_v34.dll; libwdpkcs.so in /usr/lib,
    // /usr/local/lib, /usr/local/lib64, /usr/lib/watchdata/lib, /opt/watchdata/lib64;
    // libwdpkcs.dylib in /usr/lib, /usr/local/lib. (Its Brazil-only builds' folders are left out.)
    modules: { win32: ['WDPKCS.dll', 'WDICP_P11_CCID_v34.dll'], linux: ['libwdpkcs.so'], darwin: ['libwdpkcs.dylib'] },
    searchPaths: { linux: ['/usr/lib/watchdata/lib', '/opt/watchdata/lib64', '/usr/local/lib64'], darwin: ['/usr/lib'] },
    minModuleVersion: null,
  },
  {
    code: '31',
    name: { 'zh-CN': '华大', en: 'Huada (China Huada IC Design)' },
    usb: [{ vendorId: 0x1677, productIds: [0x0103, 0x0025, 0x0101] }],
    manufacturerPatterns: ['Huada', 'HED', 'CIDC', '华大'],
    // No public source names its PKCS#11 module file (searched: code, docs, pages): a bank profile names it.
    modules: {},
    searchPaths: {},
    minModuleVersion: null,
  },
  {
    code: '41',
    name: { 'zh-CN': '大明', en: 'Daming' },
    usb: [],
    manufacturerPatterns: ['Daming', '大明'],
    // No public source names its PKCS#11 module file (searched: code, docs, pages): a bank profile names it.
    modules: {},
    searchPaths: {},
    minModuleVersion: null,
  },
]

export type VendorEvidence = 'serial-prefix' | 'printed-number' | 'manufacturer' | 'usb-id'

export interface VendorVerdict {
  /** The vendor ukey settles on, or null when nothing tells. */
  vendor: Vendor | null
  /** How: each signal that named a vendor. */
  signals: Array<{ evidence: VendorEvidence; code: string | null; value: string }>
  /** Two signals named different vendors: the FAQ's "choose the right vendor" (10.3). */
  conflict: boolean
}

/** FAQ 1: the vendor whose code is the first two digits of a printed or token serial. */
export function vendorByNumber(vendors: Vendor[], number: string): Vendor | null {
  const digits = number.trim().replace(/[\s-]/g, '')
  if (!/^\d{2}/.test(digits)) return null
  return vendors.find((v) => v.code === digits.slice(0, 2)) ?? null
}

export function vendorByManufacturer(vendors: Vendor[], manufacturer: string): Vendor | null {
  const m = manufacturer.toLowerCase()
  return vendors.find((v) => v.manufacturerPatterns.some((p) => m.includes(p.toLowerCase()))) ?? null
}

export function vendorByUsbId(vendors: Vendor[], vendorId: number, productId: number): Vendor | null {
  return vendors.find((v) => v.usb.some((u) => u.vendorId === vendorId && (!u.productIds || u.productIds.includes(productId)))) ?? null
}

/**
 * Weighs the signals: the printed number (what the customer's key says) first,
 * then the token's serial prefix, then the module's manufacturer string.
 */
export function identifyVendor(
  vendors: Vendor[],
  input: { printed?: string; tokenSerial?: string; manufacturer?: string; usb?: { vendorId: number; productId: number } },
): VendorVerdict {
  const signals: VendorVerdict['signals'] = []
  const add = (evidence: VendorEvidence, value: string | undefined, find: (v: string) => Vendor | null): void => {
    if (value === undefined || value.trim() === '') return
    signals.push({ evidence, code: find(value)?.code ?? null, value })
  }
  add('printed-number', input.printed, (v) => vendorByNumber(vendors, v))
  add('serial-prefix', input.tokenSerial, (v) => vendorByNumber(vendors, v))
  add('manufacturer', input.manufacturer, (v) => vendorByManufacturer(vendors, v))
  if (input.usb) {
    const u = input.usb
    signals.push({ evidence: 'usb-id', code: vendorByUsbId(vendors, u.vendorId, u.productId)?.code ?? null, value: `${hex4(u.vendorId)}:${hex4(u.productId)}` })
  }
  const named = signals.filter((s) => s.code !== null)
  const codes = new Set(named.map((s) => s.code))
  const first = named[0]
  return { vendor: first ? (vendors.find((v) => v.code === first.code) ?? null) : null, signals, conflict: codes.size > 1 }
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0')
}

/** "2.10" ≥ "2.9": numeric by part. */
export function versionAtLeast(version: string, minimum: string): boolean {
  const a = version.split('.').map(Number)
  const b = minimum.split('.').map(Number)
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0
    const y = b[i] ?? 0
    if (x !== y) return x > y
  }
  return true
}
