/**
 * The USB-key vendors a bank supports. FAQ 1: the first two digits of the number
 * printed on the key are the vendor code. USB ids from usb.ids and libccid
 * (shared/notes/umockdev.md); none is public for Daming. PKCS#11 module file
 * names differ per bank build of the vendor tool, so the built-in table names
 * none: a bank profile lists them, and discovery also reads the system's
 * p11-kit registrations (see pkcs11/discovery.ts).
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
  /** Module file names per platform (process.platform), searched in `searchPaths`. */
  modules: Partial<Record<NodeJS.Platform, string[]>>
  searchPaths: Partial<Record<NodeJS.Platform, string[]>>
  /** Oldest module version the bank supports ("major.minor"); older means "update the management tool" (FAQ 2). */
  minModuleVersion: string | null
}

const COMMON_PATHS: Partial<Record<NodeJS.Platform, string[]>> = {
  linux: ['/usr/lib', '/usr/lib64', '/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/local/lib'],
  darwin: ['/usr/local/lib', '/Library/Frameworks', '/opt/homebrew/lib'],
  win32: ['C:\\Windows\\System32', 'C:\\Windows\\SysWOW64'],
}

export const BUILTIN_VENDORS: Vendor[] = [
  {
    code: '11',
    name: { 'zh-CN': '捷德', en: 'Giesecke & Devrient' },
    usb: [{ vendorId: 0x1059, productIds: null }],
    manufacturerPatterns: ['Giesecke', 'G&D', 'G+D'],
    modules: {},
    searchPaths: COMMON_PATHS,
    minModuleVersion: null,
  },
  {
    code: '21',
    name: { 'zh-CN': '握奇', en: 'Watchdata' },
    usb: [{ vendorId: 0x163c, productIds: [0x0406, 0x0407, 0x0417, 0x0418, 0x0a03] }],
    manufacturerPatterns: ['Watchdata', 'WatchData', '握奇'],
    modules: {},
    searchPaths: COMMON_PATHS,
    minModuleVersion: null,
  },
  {
    code: '31',
    name: { 'zh-CN': '华大', en: 'Huada (China Huada IC Design)' },
    usb: [{ vendorId: 0x1677, productIds: [0x0103, 0x0025, 0x0101] }],
    manufacturerPatterns: ['Huada', 'HED', 'CIDC', '华大'],
    modules: {},
    searchPaths: COMMON_PATHS,
    minModuleVersion: null,
  },
  {
    code: '41',
    name: { 'zh-CN': '大明', en: 'Daming' },
    usb: [],
    manufacturerPatterns: ['Daming', '大明'],
    modules: {},
    searchPaths: COMMON_PATHS,
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
