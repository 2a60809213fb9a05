import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundleScript, requireUmockdev, underUmockdev, type UsbFixture } from '../helpers/umockdev.js'

/**
 * The real listers (node-hid over hidraw/libudev, libusb through the `usb`
 * package) against simulated devices: each case runs a small script under
 * umockdev-run that lists the USB keys, classifies them with the built-in
 * vendors and prints JSON (bundled once, see bundleScript).
 */
let SCRIPT = ''

const ENTRY = `
import { listUsbKeys, classifyUsbKeys } from './src/hardware/usb/index.ts'
import { BUILTIN_VENDORS } from './src/profile/vendors.ts'
const all = process.argv.includes('--all')
const started = performance.now()
const listing = await listUsbKeys()
const ms = performance.now() - started
const classified = classifyUsbKeys(listing.keys, BUILTIN_VENDORS, { all })
console.log(JSON.stringify({
  keys: listing.keys,
  errors: listing.errors.map((e) => ({ transport: e.transport, code: e.error.code, params: e.error.params })),
  classified: classified.map((c) => ({ path: c.key.path, kind: c.kind, vendor: c.vendor?.code ?? null })),
  ms,
}))
`

interface Listing {
  keys: Array<Record<string, unknown>>
  errors: unknown[]
  classified: Array<{ path: string; kind: string; vendor: string | null }>
  ms: number
}

const timings: Array<{ fixtures: string; listMs: number; runMs: number }> = []

async function list(fixtures: UsbFixture[], all = false): Promise<Listing> {
  const r = await underUmockdev(fixtures, [process.execPath, SCRIPT, ...(all ? ['--all'] : [])])
  if (r.code !== 0) throw new Error(`listing under umockdev failed (${r.code}):\n${r.stderr}`)
  const listing = JSON.parse(r.stdout) as Listing
  timings.push({ fixtures: fixtures.join('+') || '(none)', listMs: Math.round(listing.ms), runMs: Math.round(r.ms) })
  return listing
}

const WATCHDATA = {
  transport: 'hid', vendorId: 0x163c, productId: 0x0407, manufacturer: 'Watchdata', product: 'WatchKey USB Token',
  serial: '2100012345', path: '/dev/hidraw0', interfaceClass: 0x03,
}
const WATCHDATA_2 = { ...WATCHDATA, serial: '2100067890', path: '/dev/hidraw3' }
// Smart-card strings come from sysfs (libusb has them only by opening the device).
const HUADA = { transport: 'ccid', vendorId: 0x1677, productId: 0x0103, manufacturer: 'CIDC', product: 'HED USB Key', serial: '3100000000000001', path: '/dev/bus/usb/001/003', interfaceClass: 0x0b }
const GD = { transport: 'ccid', vendorId: 0x1059, productId: 0x0017, manufacturer: 'Giesecke & Devrient GmbH', product: 'StarSign CUT S', serial: '1100123456', path: '/dev/bus/usb/001/004', interfaceClass: 0x0b }
const UNKNOWN_CCID = { transport: 'ccid', vendorId: 0x076b, productId: 0x3031, manufacturer: 'OMNIKEY', product: 'Smart Card Reader USB', serial: null, path: '/dev/bus/usb/001/007', interfaceClass: 0x0b }
const KEYBOARD = { transport: 'hid', vendorId: 0x046d, productId: 0xc31c, manufacturer: 'Logitech', product: 'USB Keyboard', serial: null, path: '/dev/hidraw1', interfaceClass: 0x03 }

beforeAll(async () => {
  requireUmockdev()
  SCRIPT = await bundleScript(ENTRY, 'usb-list')
})

afterAll(() => {
  rmSync(SCRIPT, { force: true })
  // What a listing costs (listMs inside the process, runMs the whole umockdev-run): for the record.
  console.error('USB listing under umockdev, ms:', JSON.stringify(timings))
})

// Each case is its own umockdev-run: independent, so they run side by side.
describe.concurrent('USB keys under umockdev', () => {
  it('nothing plugged in: no device, no error', async () => {
    const r = await list([])
    expect(r).toMatchObject({ keys: [], errors: [], classified: [] })
  })

  it('a Watchdata HID key (163c:0407): one device though node-hid sees one entry per usage', async () => {
    const r = await list(['watchdata-hid'])
    expect(r.errors).toEqual([])
    expect(r.keys).toEqual([WATCHDATA])
    expect(r.classified).toEqual([{ path: '/dev/hidraw0', kind: 'bank-key', vendor: '21' }])
  })

  it('a Huada CCID key (1677:0103)', async () => {
    const r = await list(['huada-ccid'])
    expect(r.errors).toEqual([])
    expect(r.keys).toEqual([HUADA])
    expect(r.classified).toEqual([{ path: HUADA.path, kind: 'bank-key', vendor: '31' }])
  })

  it('a G&D CCID key (1059, any product)', async () => {
    const r = await list(['gd-ccid'])
    expect(r.keys).toEqual([GD])
    expect(r.classified).toEqual([{ path: GD.path, kind: 'bank-key', vendor: '11' }])
  })

  it('a smart card of no bank vendor is reported as an unknown smart card', async () => {
    const r = await list(['unknown-ccid'])
    expect(r.keys).toEqual([UNKNOWN_CCID])
    expect(r.classified).toEqual([{ path: UNKNOWN_CCID.path, kind: 'unknown-smart-card', vendor: null }])
  })

  it('a keyboard alone: listed, classified as nothing; with all, one device for its two hidraw nodes', async () => {
    const r = await list(['keyboard-decoy'])
    expect(r.keys).toEqual([KEYBOARD])
    expect(r.classified).toEqual([])
    const withAll = await list(['keyboard-decoy'], true)
    expect(withAll.classified).toEqual([{ path: '/dev/hidraw1', kind: 'other', vendor: null }])
  })

  it('a HID key and a CCID key at once', async () => {
    const r = await list(['watchdata-hid', 'huada-ccid'])
    expect(r.keys).toEqual([HUADA, WATCHDATA].sort((a, b) => a.path.localeCompare(b.path)))
    expect(r.classified.map((c) => [c.path, c.vendor])).toEqual([[HUADA.path, '31'], ['/dev/hidraw0', '21']])
  })

  it('two keys of the same model stay two', async () => {
    const r = await list(['watchdata-hid', 'watchdata-hid-2'])
    expect(r.keys).toEqual([WATCHDATA, WATCHDATA_2])
    expect(r.classified.map((c) => c.vendor)).toEqual(['21', '21'])
  })

  it('a key with a smart-card and a HID interface is one device (the smart-card side, completed)', async () => {
    const r = await list(['watchdata-composite'])
    expect(r.errors).toEqual([])
    expect(r.keys).toEqual([
      { transport: 'ccid', vendorId: 0x163c, productId: 0x0418, manufacturer: 'Watchdata', product: 'WatchKey Dual', serial: '2100055555', path: '/dev/bus/usb/001/008', interfaceClass: 0x0b },
    ])
    expect(r.classified).toEqual([{ path: '/dev/bus/usb/001/008', kind: 'bank-key', vendor: '21' }])
  })

  it('everything at once: bank keys first, the unknown smart card next, the keyboard only with all', async () => {
    const fixtures: UsbFixture[] = ['keyboard-decoy', 'gd-ccid', 'watchdata-hid', 'unknown-ccid', 'huada-ccid', 'watchdata-composite', 'watchdata-hid-2']
    const r = await list(fixtures, true)
    expect(r.errors).toEqual([])
    expect(r.keys).toHaveLength(7)
    expect(r.classified).toEqual([
      { path: HUADA.path, kind: 'bank-key', vendor: '31' },
      { path: GD.path, kind: 'bank-key', vendor: '11' },
      { path: '/dev/bus/usb/001/008', kind: 'bank-key', vendor: '21' },
      { path: '/dev/hidraw0', kind: 'bank-key', vendor: '21' },
      { path: '/dev/hidraw3', kind: 'bank-key', vendor: '21' },
      { path: UNKNOWN_CCID.path, kind: 'unknown-smart-card', vendor: null },
      { path: '/dev/hidraw1', kind: 'other', vendor: null },
    ])
  })
})
