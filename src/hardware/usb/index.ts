import { isUkeyError, type UkeyError } from '../../errors.js'
import { vendorByUsbId, type Vendor } from '../../profile/vendors.js'
import { CcidLister } from './ccid-lister.js'
import { usbUnavailable } from './errors.js'
import { HidLister } from './hid-lister.js'
import { USB_CLASS, type UsbKey, type UsbLister, type UsbTransport } from './types.js'

export { CcidLister } from './ccid-lister.js'
export { HidLister } from './hid-lister.js'
export { USB_CLASS, type UsbKey, type UsbLister, type UsbTransport } from './types.js'
export { diffUsbKeys, usbKeyId, watchUsbKeys, type UsbEvent, type WatchOptions } from './watch.js'

export interface UsbListing {
  /** Every HID and smart-card device, one per physical device, sorted by path. */
  keys: UsbKey[]
  /** A transport whose native library would not load or enumerate: reported, not thrown (like a module that fails to load). */
  errors: Array<{ transport: UsbTransport; error: UkeyError }>
}

export function defaultUsbListers(): UsbLister[] {
  return [HidLister.create(), CcidLister.create()]
}

/** Lists both transports (in parallel) and merges them; one failing transport never hides the other's keys. */
export async function listUsbKeys(listers: UsbLister[] = defaultUsbListers()): Promise<UsbListing> {
  const results = await Promise.allSettled(listers.map((l) => l.list()))
  const all: UsbKey[] = []
  const errors: UsbListing['errors'] = []
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') all.push(...r.value)
    else {
      const transport = listers[i]!.transport
      errors.push({ transport, error: isUkeyError(r.reason) ? r.reason : usbUnavailable(transport, r.reason) })
    }
  })
  return { keys: mergeTransports(all), errors }
}

/**
 * A key with both a HID and a smart-card interface shows up in both listers:
 * one device. Matched on ids and serial; when libusb could not read the serial
 * (device not openable), on ids alone if exactly one of each is plugged in.
 * The smart-card entry stays (it is what a PKCS#11 module reaches), completed
 * with the HID side's strings.
 */
export function mergeTransports(keys: UsbKey[]): UsbKey[] {
  const byPath = new Map<string, UsbKey>()
  for (const k of keys) if (!byPath.has(k.path)) byPath.set(k.path, k)
  const unique = [...byPath.values()]
  const hid = unique.filter((k) => k.transport === 'hid')
  const ccid = unique.filter((k) => k.transport === 'ccid')
  const absorbed = new Set<UsbKey>()
  const merged = ccid.map((c) => {
    const same = (k: UsbKey) => k.vendorId === c.vendorId && k.productId === c.productId
    let h = c.serial !== null ? hid.find((k) => same(k) && k.serial === c.serial) : undefined
    if (!h && c.serial === null && ccid.filter(same).length === 1) {
      const candidates = hid.filter(same)
      if (candidates.length === 1) h = candidates[0]
    }
    if (!h || absorbed.has(h)) return c
    absorbed.add(h)
    return { ...c, manufacturer: c.manufacturer ?? h.manufacturer, product: c.product ?? h.product, serial: c.serial ?? h.serial }
  })
  return [...hid.filter((k) => !absorbed.has(k)), ...merged].sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }))
}

/**
 * - `bank-key`: vendor and product id are a bank vendor's key (profile `vendors[].usb`);
 * - `vendor-device`: a bank vendor's USB vendor id, a product id the profile does not list (often a newer model);
 * - `unknown-smart-card`: a CCID device of no bank vendor (another bank's key, a card reader);
 * - `other`: anything else (keyboards, mice…), listed only with `all`.
 */
export type UsbKeyKind = 'bank-key' | 'vendor-device' | 'unknown-smart-card' | 'other'

export interface ClassifiedUsbKey {
  key: UsbKey
  kind: UsbKeyKind
  vendor: Vendor | null
}

const KIND_ORDER: UsbKeyKind[] = ['bank-key', 'vendor-device', 'unknown-smart-card', 'other']

/** Pure: matches devices against the profile's vendors; drops `other` devices unless `all`. Bank keys first. */
export function classifyUsbKeys(keys: UsbKey[], vendors: Vendor[], options: { all?: boolean } = {}): ClassifiedUsbKey[] {
  const out: ClassifiedUsbKey[] = []
  for (const key of keys) {
    const exact = vendorByUsbId(vendors, key.vendorId, key.productId)
    const byVendorId = exact ?? vendors.find((v) => v.usb.some((u) => u.vendorId === key.vendorId)) ?? null
    const kind: UsbKeyKind = exact ? 'bank-key'
      : byVendorId ? 'vendor-device'
        : key.interfaceClass === USB_CLASS.SMART_CARD ? 'unknown-smart-card'
          : 'other'
    if (kind === 'other' && !options.all) continue
    out.push({ key, kind, vendor: byVendorId })
  }
  // Stable sort: lister order (by path) inside each kind.
  return out.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind))
}
