import type { UkeyError } from '../errors.js'
import { classifyUsbKeys, type ClassifiedUsbKey, type UsbKeyKind, type UsbListing } from './usb/index.js'
import { vendorByManufacturer, vendorByNumber, versionAtLeast, type Vendor } from '../profile/vendors.js'
import type { DetectReport, DetectedToken } from './tokens.js'

/**
 * What a combination of the USB view and the PKCS#11 view means for one key
 * (issue 4; FAQ 2, 10.1, 10.3, 11):
 * - `ok`: on USB and visible as a token;
 * - `no-module`: on USB, no PKCS#11 module loads at all (management tool missing);
 * - `module-failed`: on USB, this vendor's module is there but does not load;
 * - `module-outdated`: this vendor's module is older than the bank supports;
 * - `other-vendor-module`: modules load, but none is this vendor's (the wrong tool);
 * - `not-seen-by-module`: this vendor's module loads and still shows no token;
 * - `unknown-smart-card`: a smart card of no vendor the bank supports;
 * - `token-only`: a token without a USB device (software or lab token, or USB not listable);
 * - `not-a-key`: another device (a keyboard…), listed only with --all.
 */
export type KeyVerdict = 'ok' | 'no-module' | 'module-failed' | 'module-outdated' | 'other-vendor-module' | 'not-seen-by-module' | 'unknown-smart-card' | 'token-only' | 'not-a-key'

export interface PhysicalKey {
  usb: ClassifiedUsbKey | null
  token: DetectedToken | null
  vendor: Vendor | null
  verdict: KeyVerdict
}

// The token's own identity (its serial, its manufacturer) pairs it with a USB device: a printed
// number given with `detect --serial` is checked against the key, it must not re-label it.
function tokenVendor(t: DetectedToken, vendors: Vendor[]): Vendor | null {
  return vendorByNumber(vendors, t.info.serial) ?? vendorByManufacturer(vendors, t.info.manufacturer) ?? t.vendor.vendor
}

const norm = (s: string | null | undefined): string => (s ?? '').trim().toLowerCase()

/**
 * Pairs USB devices with tokens: by serial first (a module may pad or prefix
 * it), then by vendor when exactly one unpaired device and one unpaired token
 * of that vendor remain; then says what each unpaired side means.
 */
export function pairKeys(usb: ClassifiedUsbKey[], report: DetectReport, vendors: Vendor[]): PhysicalKey[] {
  const devices = usb.filter((u) => u.kind !== 'other')
  const tokens = [...report.tokens]
  const out: PhysicalKey[] = []
  const take = (t: DetectedToken): void => {
    tokens.splice(tokens.indexOf(t), 1)
  }
  const rest: ClassifiedUsbKey[] = []
  for (const d of devices) {
    const serial = norm(d.key.serial)
    const t = serial ? tokens.find((x) => norm(x.info.serial) === serial || norm(x.info.serial).endsWith(serial) || serial.endsWith(norm(x.info.serial))) : undefined
    if (t) {
      take(t)
      out.push({ usb: d, token: t, vendor: d.vendor ?? tokenVendor(t, vendors), verdict: 'ok' })
    } else rest.push(d)
  }
  const unpaired: ClassifiedUsbKey[] = []
  for (const d of rest) {
    const sameVendorDevices = rest.filter((x) => x.vendor && x.vendor.code === d.vendor?.code)
    const sameVendorTokens = tokens.filter((t) => d.vendor && tokenVendor(t, vendors)?.code === d.vendor.code)
    if (d.vendor && sameVendorDevices.length === 1 && sameVendorTokens.length === 1) {
      take(sameVendorTokens[0]!)
      out.push({ usb: d, token: sameVendorTokens[0]!, vendor: d.vendor, verdict: 'ok' })
    } else unpaired.push(d)
  }
  for (const d of unpaired) out.push({ usb: d, token: null, vendor: d.vendor, verdict: usbOnlyVerdict(d.kind, d.vendor, report, vendors) })
  for (const t of tokens) out.push({ usb: null, token: t, vendor: tokenVendor(t, vendors), verdict: 'token-only' })
  for (const d of usb) if (d.kind === 'other') out.push({ usb: d, token: null, vendor: null, verdict: 'not-a-key' })
  return out
}

function usbOnlyVerdict(kind: UsbKeyKind, vendor: Vendor | null, report: DetectReport, vendors: Vendor[]): KeyVerdict {
  if (kind === 'unknown-smart-card' || !vendor) return 'unknown-smart-card'
  const loaded = report.modules.filter((m) => m.loaded)
  if (loaded.length === 0 && !report.modules.some((m) => m.vendorCode === vendor.code)) return 'no-module'
  const ofVendor = report.modules.filter((m) => m.vendorCode === vendor.code || (m.manufacturer && vendorByManufacturer(vendors, m.manufacturer)?.code === vendor.code))
  if (ofVendor.some((m) => !m.loaded)) return 'module-failed'
  if (ofVendor.length === 0) return loaded.length ? 'other-vendor-module' : 'no-module'
  const min = vendor.minModuleVersion
  if (min && ofVendor.some((m) => m.version && !versionAtLeast(m.version, min))) return 'module-outdated'
  return 'not-seen-by-module'
}

export type UsbErrors = Array<{ transport: string; error: UkeyError }>

export interface PhysicalView {
  report: DetectReport
  keys: PhysicalKey[]
  usbErrors: UsbErrors
}

/**
 * Both views of `detect` together. With nothing on the USB bus and no module
 * that failed, the first thing to check is the key itself (9002, FAQ 10.1), so
 * the verdict is `no-token` even when no module is installed; a module that
 * fails to load keeps its own verdict.
 */
export function physicalView(report: DetectReport, usb: UsbListing, vendors: Vendor[], opts: { all: boolean; usbListed: boolean }): PhysicalView {
  const keys = pairKeys(classifyUsbKeys(usb.keys, vendors, { all: opts.all }), report, vendors)
  const nothingPlugged = opts.usbListed && usb.errors.length === 0 && !keys.some((k) => k.usb && k.usb.kind !== 'other')
  const verdict = report.tokens.length === 0 && nothingPlugged && report.modules.every((m) => m.loaded) ? 'no-token' : report.verdict
  return { report: { ...report, verdict }, keys, usbErrors: usb.errors }
}
