import { createRequire } from 'node:module'
import { usbUnavailable } from './errors.js'
import { USB_CLASS, type UsbKey, type UsbLister } from './types.js'

/** The part of node-hid this lister uses: tests hand in a fake, the real one is loaded on first use. */
export interface HidBackend {
  devicesAsync(): Promise<HidDeviceRecord[]>
}

/** node-hid's `Device`, as much of it as ukey reads. */
export interface HidDeviceRecord {
  vendorId: number
  productId: number
  path?: string
  serialNumber?: string
  manufacturer?: string
  product?: string
  interface?: number
  usagePage?: number
  usage?: number
}

/**
 * node-hid is native (hidraw via libudev on Linux): loaded only when a command
 * lists USB devices, and with require — an ESM import of this CommonJS package
 * costs 15 ms more (cjs-module-lexer), `usb`'s over 100 ms.
 */
function loadNodeHid(): Promise<HidBackend> {
  return Promise.resolve(createRequire(import.meta.url)('node-hid') as HidBackend)
}

/**
 * HID keys ("driver-free" 免驱 keys) through node-hid. node-hid returns one entry
 * per HID usage (a key with a vendor page and a keyboard page is listed twice),
 * and a key with two HID interfaces has two hidraw nodes: both collapse into one
 * device here, by path and then by vendor, product and serial.
 */
export class HidLister implements UsbLister {
  readonly transport = 'hid' as const
  private constructor(private readonly load: () => Promise<HidBackend>) {}

  static create(backend?: HidBackend): HidLister {
    return new HidLister(backend ? () => Promise.resolve(backend) : loadNodeHid)
  }

  async list(): Promise<UsbKey[]> {
    let records: HidDeviceRecord[]
    try {
      records = await (await this.load()).devicesAsync()
    } catch (e) {
      throw usbUnavailable('hid', e)
    }
    return collapseHidRecords(records)
  }
}

export function collapseHidRecords(records: HidDeviceRecord[]): UsbKey[] {
  // Sorted so the representative path of a multi-interface key is always the same one.
  const sorted = records.filter((r) => r.path).sort((a, b) => (a.path as string).localeCompare(b.path as string, 'en', { numeric: true }))
  const keys: Array<{ key: UsbKey; interfaces: Set<number | undefined> }> = []
  for (const r of sorted) {
    const path = r.path as string
    if (keys.some((k) => k.key.path === path)) continue
    const serial = text(r.serialNumber)
    // Another interface of a device already listed: same ids and serial (both null for most
    // keyboards), a different interface number. Two identical devices both have an interface 0,
    // so they stay two.
    const sibling = keys.find((k) => k.key.vendorId === r.vendorId && k.key.productId === r.productId && k.key.serial === serial && !k.interfaces.has(r.interface))
    if (sibling) {
      sibling.interfaces.add(r.interface)
      continue
    }
    keys.push({
      key: { transport: 'hid', vendorId: r.vendorId, productId: r.productId, manufacturer: text(r.manufacturer), product: text(r.product), serial, path, interfaceClass: USB_CLASS.HID },
      interfaces: new Set([r.interface]),
    })
  }
  return keys.map((k) => k.key)
}

/** hidapi gives "" for a missing string descriptor. */
function text(s: string | undefined): string | null {
  const t = s?.trim()
  return t ? t : null
}
