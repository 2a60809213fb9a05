/**
 * USB keys as the computer sees them, before any vendor module: the question a
 * technician asks first (FAQ 10.1 / 11, error 9002: "is the key inserted?").
 * One lister per transport, merged (yubikey-manager's layout): HID for the
 * "driver-free" (免驱) keys, CCID (USB smart-card class) for the keys a vendor
 * module reaches through PC/SC. Nothing here opens a session or prints.
 */

export type UsbTransport = 'hid' | 'ccid'

/** USB interface classes ukey cares about (USB-IF class codes). */
export const USB_CLASS = { HID: 0x03, SMART_CARD: 0x0b } as const

export interface UsbKey {
  transport: UsbTransport
  vendorId: number
  productId: number
  /** USB string descriptors; null where the OS did not give them (CCID strings need the device opened). */
  manufacturer: string | null
  product: string | null
  serial: string | null
  /**
   * Where the device is: the hidraw node for HID (/dev/hidraw0 on Linux), the
   * usbfs node for CCID (/dev/bus/usb/001/005 on Linux, "bus-address" elsewhere).
   * Stable while the key stays in its port; the watcher tells devices apart by it.
   */
  path: string
  /** The USB interface class that made ukey list it: 0x03 HID, 0x0B smart card. */
  interfaceClass: number
}

export interface UsbLister {
  readonly transport: UsbTransport
  /** One entry per physical device (not per HID usage or interface), deduplicated by path. */
  list(): Promise<UsbKey[]>
}

/** A USB id as usb.ids writes it: 0x163c. */
export const hex4 = (n: number): string => '0x' + n.toString(16).padStart(4, '0')

/** A device as the bus names it ("HID 0x163c:0x0407 Watchdata USB Key (serial)"): the same words in detect's list and in diagnose's evidence. */
export function usbKeyName(u: UsbKey): string {
  const name = [u.manufacturer, u.product].filter(Boolean).join(' ')
  return `${u.transport.toUpperCase()} ${hex4(u.vendorId)}:${hex4(u.productId)}${name ? ' ' + name : ''}${u.serial ? ` (${u.serial})` : ''}`
}
