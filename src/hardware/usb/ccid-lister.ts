import { currentPlatform } from '../../platform/os.js'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { usbUnavailable } from './errors.js'
import { USB_CLASS, type UsbKey, type UsbLister } from './types.js'

/** The part of the `usb` package (libusb) this lister uses; tests hand in a fake. */
export interface LibusbBackend {
  getDeviceList(): LibusbDevice[]
}

export interface LibusbDevice {
  busNumber: number
  deviceAddress: number
  /** Hub ports from the root: [2] for 1-2, [3, 1] for 1-3.1 (the sysfs name). */
  portNumbers?: number[]
  deviceDescriptor: { idVendor: number; idProduct: number; bDeviceClass: number; iManufacturer: number; iProduct: number; iSerialNumber: number }
  /** Throws (or is undefined) when libusb cannot read it. */
  readonly allConfigDescriptors: Array<{ interfaces: Array<Array<{ bInterfaceClass: number }>> }>
  timeout: number
  open(defaultConfig?: boolean): void
  close(): void
  getStringDescriptor(index: number, callback: (error?: unknown, value?: string) => void): void
}

/** Loaded on first use, with require (see loadNodeHid): libusb starts with it. */
function loadUsb(): Promise<LibusbBackend> {
  return Promise.resolve(createRequire(import.meta.url)('usb') as LibusbBackend)
}

export interface CcidListerOptions {
  /**
   * Read each smart-card device's strings (manufacturer, product, serial). libusb
   * has them only by opening the device, which needs write access to the usbfs
   * node (root, or the udev rule of pcscd / the vendor tool). On Linux the kernel
   * publishes them in sysfs, readable by anyone: read there, never opened. On
   * other systems the device is opened (not claimed; only standard GET_DESCRIPTOR
   * requests); one that will not open keeps null strings and is still listed.
   */
  readStrings?: boolean
  /** Where sysfs is (tests point it at a directory); null: open the device instead. Default /sys on Linux, null elsewhere. */
  sysfs?: string | null
  /** Per control transfer. */
  timeoutMs?: number
}

/**
 * USB smart-card (CCID, interface class 0x0B) keys through libusb (the `usb`
 * package): many bank keys are CCID, reached by the vendor's PKCS#11 module
 * through PC/SC, and invisible to node-hid. Enumeration reads only what the OS
 * caches (sysfs descriptors on Linux): no device is opened to list it.
 */
export class CcidLister implements UsbLister {
  readonly transport = 'ccid' as const
  private constructor(private readonly load: () => Promise<LibusbBackend>, private readonly options: CcidListerOptions) {}

  static create(options: CcidListerOptions = {}, backend?: LibusbBackend): CcidLister {
    return new CcidLister(backend ? () => Promise.resolve(backend) : loadUsb, options)
  }

  async list(): Promise<UsbKey[]> {
    let devices: LibusbDevice[]
    try {
      devices = (await this.load()).getDeviceList()
    } catch (e) {
      throw usbUnavailable('ccid', e)
    }
    const keys: UsbKey[] = []
    const seen = new Set<string>()
    for (const d of devices) {
      const path = usbfsPath(d.busNumber, d.deviceAddress)
      if (seen.has(path) || !isSmartCard(d)) continue
      seen.add(path)
      const strings = this.options.readStrings === false ? null : await this.strings(d)
      // libusb's device list trails an unplug by a poll or so; sysfs does not: the key is gone.
      if (strings === 'gone') continue
      keys.push({
        transport: 'ccid',
        vendorId: d.deviceDescriptor.idVendor,
        productId: d.deviceDescriptor.idProduct,
        manufacturer: strings?.manufacturer ?? null,
        product: strings?.product ?? null,
        serial: strings?.serial ?? null,
        path,
        interfaceClass: USB_CLASS.SMART_CARD,
      })
    }
    return keys
  }

  private async strings(d: LibusbDevice): Promise<DeviceStrings | 'gone' | null> {
    const sysfs = this.options.sysfs === undefined ? (currentPlatform() === 'linux' ? '/sys' : null) : this.options.sysfs
    return sysfs !== null ? await stringsFromSysfs(sysfs, d) : await stringsFromDevice(d, this.options.timeoutMs ?? 500)
  }
}

interface DeviceStrings {
  manufacturer: string | null
  product: string | null
  serial: string | null
}

/**
 * /sys/bus/usb/devices/<bus>-<port.port…>/{manufacturer,product,serial}: the
 * strings the kernel read at enumeration, so sysfs is the whole answer (a missing
 * file is a missing string) and the device is never opened. No idVendor there:
 * the device has just been pulled out.
 */
async function stringsFromSysfs(sysfs: string, d: LibusbDevice): Promise<DeviceStrings | 'gone'> {
  if (!d.portNumbers?.length) return { manufacturer: null, product: null, serial: null }
  const dir = join(sysfs, 'bus/usb/devices', `${d.busNumber}-${d.portNumbers.join('.')}`)
  const attr = (name: string) => readFile(join(dir, name), 'utf8').then((t) => t.trim() || null, () => undefined)
  const [idVendor, manufacturer, product, serial] = await Promise.all([attr('idVendor'), attr('manufacturer'), attr('product'), attr('serial')])
  if (idVendor === undefined) return 'gone'
  return { manufacturer: manufacturer ?? null, product: product ?? null, serial: serial ?? null }
}

/** The class is on the interface for composite keys (bDeviceClass 0), on the device for a few. */
export function isSmartCard(d: LibusbDevice): boolean {
  if (d.deviceDescriptor.bDeviceClass === USB_CLASS.SMART_CARD) return true
  let configs: LibusbDevice['allConfigDescriptors'] | undefined
  try {
    configs = d.allConfigDescriptors
  } catch {
    return false
  }
  return (configs ?? []).some((c) => c.interfaces.some((alts) => alts.some((i) => i.bInterfaceClass === USB_CLASS.SMART_CARD)))
}

/** Linux's usbfs node (what lsusb -D and udev name); "bus-address" on other systems. */
export function usbfsPath(bus: number, address: number, platform: NodeJS.Platform = currentPlatform()): string {
  const p3 = (n: number) => String(n).padStart(3, '0')
  return platform === 'linux' ? `/dev/bus/usb/${p3(bus)}/${p3(address)}` : `${bus}-${address}`
}

async function stringsFromDevice(d: LibusbDevice, timeoutMs: number): Promise<DeviceStrings | null> {
  try {
    d.open(false)
  } catch {
    return null
  }
  try {
    d.timeout = timeoutMs
    const desc = d.deviceDescriptor
    const manufacturer = await stringDescriptor(d, desc.iManufacturer)
    const product = await stringDescriptor(d, desc.iProduct)
    const serial = await stringDescriptor(d, desc.iSerialNumber)
    return { manufacturer, product, serial }
  } finally {
    try {
      d.close()
    } catch {
      // Closing a device that failed mid-transfer: nothing more to release.
    }
  }
}

function stringDescriptor(d: LibusbDevice, index: number): Promise<string | null> {
  if (!index) return Promise.resolve(null)
  return new Promise((resolve) => {
    try {
      d.getStringDescriptor(index, (error, value) => resolve(error || !value?.trim() ? null : value.trim()))
    } catch {
      resolve(null)
    }
  })
}
