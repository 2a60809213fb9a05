import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CcidLister, isSmartCard, usbfsPath, type LibusbDevice } from '../../src/hardware/usb/ccid-lister.js'
import { collapseHidRecords, HidLister } from '../../src/hardware/usb/hid-lister.js'
import { classifyUsbKeys, listUsbKeys, mergeTransports } from '../../src/hardware/usb/index.js'
import type { UsbKey, UsbLister } from '../../src/hardware/usb/types.js'
import { BUILTIN_VENDORS, type Vendor } from '../../src/profile/vendors.js'

// Pure tests: classification, merging and the listers over injected backends.

const usbKey = (over: Partial<UsbKey>): UsbKey => ({
  transport: 'hid', vendorId: 0x163c, productId: 0x0407, manufacturer: null, product: null, serial: null, path: '/dev/hidraw0', interfaceClass: 3, ...over,
})

describe('classifyUsbKeys', () => {
  const keys = [
    usbKey({ path: '/dev/hidraw5', vendorId: 0x046d, productId: 0xc31c }),
    usbKey({ path: '/dev/hidraw0' }),
    usbKey({ path: '/dev/hidraw1', productId: 0x9999 }),
    usbKey({ path: '/dev/bus/usb/001/003', transport: 'ccid', vendorId: 0x076b, productId: 0x3031, interfaceClass: 0x0b }),
    usbKey({ path: '/dev/bus/usb/001/004', transport: 'ccid', vendorId: 0x1059, productId: 0x1234, interfaceClass: 0x0b }),
  ]
  it('bank keys first, then a bank vendor\'s unlisted product, unknown smart cards; other devices dropped', () => {
    expect(classifyUsbKeys(keys, BUILTIN_VENDORS).map((c) => [c.key.path, c.kind, c.vendor?.code ?? null])).toEqual([
      ['/dev/hidraw0', 'bank-key', '21'],
      ['/dev/bus/usb/001/004', 'bank-key', '11'],
      ['/dev/hidraw1', 'vendor-device', '21'],
      ['/dev/bus/usb/001/003', 'unknown-smart-card', null],
    ])
  })
  it('with all, other devices last', () => {
    expect(classifyUsbKeys(keys, BUILTIN_VENDORS, { all: true }).at(-1)).toMatchObject({ kind: 'other', vendor: null, key: { path: '/dev/hidraw5' } })
  })
  it('matches the profile\'s vendors, not a fixed table', () => {
    const profile: Vendor[] = [{ ...BUILTIN_VENDORS[3]!, usb: [{ vendorId: 0x076b, productIds: [0x3031] }] }]
    // A profile without G&D: its smart card is then an unknown one.
    expect(classifyUsbKeys(keys, profile).map((c) => [c.key.path, c.kind, c.vendor?.code ?? null])).toEqual([
      ['/dev/bus/usb/001/003', 'bank-key', '41'],
      ['/dev/bus/usb/001/004', 'unknown-smart-card', null],
    ])
  })
})

describe('HID records → one key per device', () => {
  it('one entry per usage and per interface collapse; identical devices stay two; no path, no entry', () => {
    const rec = (path: string, iface: number, serial = '', usagePage = 0xffa0) => ({ vendorId: 0x46d, productId: 0xc31c, path, serialNumber: serial, manufacturer: 'Logitech', product: 'USB Keyboard', interface: iface, usagePage, usage: 1 })
    const keys = collapseHidRecords([rec('/dev/hidraw2', 1), rec('/dev/hidraw1', 0), rec('/dev/hidraw1', 0, '', 0x01), rec('/dev/hidraw10', 0), rec('/dev/hidraw11', 1), { vendorId: 1, productId: 2 }])
    expect(keys.map((k) => k.path)).toEqual(['/dev/hidraw1', '/dev/hidraw10'])
    expect(keys[0]).toEqual({ transport: 'hid', vendorId: 0x46d, productId: 0xc31c, manufacturer: 'Logitech', product: 'USB Keyboard', serial: null, path: '/dev/hidraw1', interfaceClass: 3 })
  })
  it('a failing node-hid becomes a UkeyError, and listUsbKeys keeps the other transport', async () => {
    const hid = HidLister.create({ devicesAsync: () => Promise.reject(new Error('libudev.so.1: cannot open shared object file')) })
    await expect(hid.list()).rejects.toMatchObject({ name: 'UkeyError', params: { detail: expect.stringContaining('libudev') } })
    const ccid: UsbLister = { transport: 'ccid', list: () => Promise.resolve([usbKey({ transport: 'ccid', path: '/dev/bus/usb/001/002', interfaceClass: 0x0b })]) }
    const r = await listUsbKeys([hid, ccid])
    expect(r.keys.map((k) => k.path)).toEqual(['/dev/bus/usb/001/002'])
    expect(r.errors.map((e) => e.transport)).toEqual(['hid'])
  })
})

describe('CCID lister over an injected libusb', () => {
  const device = (over: Partial<LibusbDevice> & { cls?: number; deviceClass?: number; strings?: Record<number, string>; openFails?: boolean }): LibusbDevice & { closed: number } => {
    const d = {
      busNumber: 1, deviceAddress: 3, timeout: 0, closed: 0,
      deviceDescriptor: { idVendor: 0x1677, idProduct: 0x0103, bDeviceClass: over.deviceClass ?? 0, iManufacturer: 1, iProduct: 2, iSerialNumber: 3 },
      get allConfigDescriptors() {
        return [{ interfaces: [[{ bInterfaceClass: over.cls ?? 0x0b }]] }]
      },
      open() {
        if (over.openFails) throw new Error('LIBUSB_ERROR_ACCESS')
      },
      close() {
        d.closed++
      },
      getStringDescriptor(i: number, cb: (e?: unknown, v?: string) => void) {
        const s = over.strings?.[i]
        if (s === undefined) cb(new Error('LIBUSB_ERROR_PIPE'))
        else cb(undefined, s)
      },
      ...(over.busNumber ? { busNumber: over.busNumber } : {}),
      ...(over.deviceAddress ? { deviceAddress: over.deviceAddress } : {}),
      ...(over.portNumbers ? { portNumbers: over.portNumbers } : {}),
    }
    return d
  }
  it('lists class-0x0B devices only, reads strings when it can, and closes what it opened', async () => {
    const readable = device({ strings: { 1: 'CIDC', 2: 'HED USB Key', 3: '3100000000000001' } })
    const locked = device({ deviceAddress: 4, openFails: true })
    const hid = device({ deviceAddress: 5, cls: 3 })
    const keys = await CcidLister.create({ sysfs: null }, { getDeviceList: () => [hid, readable, locked, readable] }).list()
    expect(keys.map((k) => [k.path, k.manufacturer, k.product, k.serial])).toEqual([
      [usbfsPath(1, 3), 'CIDC', 'HED USB Key', '3100000000000001'],
      [usbfsPath(1, 4), null, null, null],
    ])
    expect(readable.closed).toBe(1)
    expect(readable.timeout).toBe(500)
  })
  it('on Linux the strings come from sysfs (no permission needed, never opened); a device gone from sysfs is gone', async () => {
    const sysfs = mkdtempSync(join(tmpdir(), 'ukey-sysfs-'))
    mkdirSync(join(sysfs, 'bus/usb/devices/1-3.1'), { recursive: true })
    for (const [name, value] of [['idVendor', '1677'], ['manufacturer', 'CIDC'], ['product', 'HED USB Key']]) writeFileSync(join(sysfs, 'bus/usb/devices/1-3.1', name), `${value}\n`)
    const inSysfs = device({ portNumbers: [3, 1], openFails: true })
    const unplugged = device({ deviceAddress: 4, portNumbers: [4], strings: { 1: 'G&D', 2: 'StarSign', 3: '1100' } })
    const keys = await CcidLister.create({ sysfs }, { getDeviceList: () => [inSysfs, unplugged] }).list()
    expect(keys.map((k) => [k.path, k.manufacturer, k.product, k.serial])).toEqual([[usbfsPath(1, 3), 'CIDC', 'HED USB Key', null]])
  })
  it('a device-level smart-card class counts too', () => {
    expect(isSmartCard(device({ deviceClass: 0x0b, cls: 0xff }))).toBe(true)
    expect(isSmartCard(device({ cls: 0xff }))).toBe(false)
  })
  it('paths: the usbfs node on Linux, bus-address elsewhere', () => {
    expect(usbfsPath(1, 12, 'linux')).toBe('/dev/bus/usb/001/012')
    expect(usbfsPath(1, 12, 'darwin')).toBe('1-12')
  })
})

describe('mergeTransports', () => {
  it('a key with both a HID and a smart-card interface is one device, the smart-card side completed', () => {
    const h = usbKey({ path: '/dev/hidraw0', manufacturer: 'Watchdata', product: 'WatchKey', serial: '21001' })
    const c = usbKey({ transport: 'ccid', path: '/dev/bus/usb/001/002', interfaceClass: 0x0b })
    expect(mergeTransports([h, c])).toEqual([{ ...c, manufacturer: 'Watchdata', product: 'WatchKey', serial: '21001' }])
  })
  it('two keys of one model with unreadable smart-card serials are not guessed at', () => {
    const h = usbKey({ path: '/dev/hidraw0', serial: 'A' })
    const c1 = usbKey({ transport: 'ccid', path: '/dev/bus/usb/001/002', interfaceClass: 0x0b })
    const c2 = usbKey({ transport: 'ccid', path: '/dev/bus/usb/001/003', interfaceClass: 0x0b })
    expect(mergeTransports([h, c1, c2]).map((k) => k.path)).toEqual(['/dev/bus/usb/001/002', '/dev/bus/usb/001/003', '/dev/hidraw0'])
  })
})
