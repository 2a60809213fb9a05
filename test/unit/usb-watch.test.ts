import { describe, expect, it } from 'vitest'
import type { UsbKey } from '../../src/hardware/usb/types.js'
import { diffUsbKeys, watchUsbKeys, type UsbEvent } from '../../src/hardware/usb/watch.js'

// Pure tests of the watcher's diffing on injected enumerations (no device involved).

const key = (path: string, serial: string | null = null, over: Partial<UsbKey> = {}): UsbKey => ({
  transport: 'hid', vendorId: 0x163c, productId: 0x0407, manufacturer: 'Watchdata', product: 'WatchKey', serial, path, interfaceClass: 3, ...over,
})
const brief = (events: UsbEvent[]) => events.map((e) => `${e.type} ${e.key.path}${e.key.serial ? ' ' + e.key.serial : ''}`)

describe('diffUsbKeys', () => {
  it('nothing changed: no event', () => {
    expect(diffUsbKeys([key('/dev/hidraw0', 'A')], [key('/dev/hidraw0', 'A')])).toEqual([])
    expect(diffUsbKeys([], [])).toEqual([])
  })
  it('an insert and a remove', () => {
    expect(brief(diffUsbKeys([], [key('/dev/hidraw0', 'A')]))).toEqual(['insert /dev/hidraw0 A'])
    expect(brief(diffUsbKeys([key('/dev/hidraw0', 'A')], []))).toEqual(['remove /dev/hidraw0 A'])
  })
  it('a key swapped for another in the same port between two polls: out, then in', () => {
    expect(brief(diffUsbKeys([key('/dev/hidraw0', 'A')], [key('/dev/hidraw0', 'B')]))).toEqual(['remove /dev/hidraw0 A', 'insert /dev/hidraw0 B'])
  })
  it('a HID and a CCID device on paths that never collide stay apart', () => {
    const ccid = key('/dev/bus/usb/001/003', null, { transport: 'ccid', vendorId: 0x1677, productId: 0x0103, interfaceClass: 0x0b })
    expect(brief(diffUsbKeys([key('/dev/hidraw0', 'A')], [key('/dev/hidraw0', 'A'), ccid]))).toEqual(['insert /dev/bus/usb/001/003'])
  })
  it('removals first, each group in enumeration order; duplicates reported once', () => {
    const before = [key('/dev/hidraw0', 'A'), key('/dev/hidraw1', 'B')]
    const after = [key('/dev/hidraw2', 'C'), key('/dev/hidraw2', 'C'), key('/dev/hidraw3', 'D')]
    expect(brief(diffUsbKeys(before, after))).toEqual(['remove /dev/hidraw0 A', 'remove /dev/hidraw1 B', 'insert /dev/hidraw2 C', 'insert /dev/hidraw3 D'])
  })
})

describe('watchUsbKeys over injected enumerations', () => {
  it('reports what is plugged at the start, then inserts and removes, until aborted', async () => {
    const polls: UsbKey[][] = [[key('/dev/hidraw0', 'A')], [key('/dev/hidraw0', 'A'), key('/dev/hidraw1', 'B')], [key('/dev/hidraw1', 'B')], [key('/dev/hidraw1', 'B')]]
    const controller = new AbortController()
    let i = 0
    const events: UsbEvent[] = []
    const sleeps: number[] = []
    const sleep = (ms: number) => {
      sleeps.push(ms)
      if (i >= polls.length) controller.abort()
      return Promise.resolve()
    }
    for await (const e of watchUsbKeys(() => Promise.resolve(polls[i++] ?? []), { intervalMs: 250, signal: controller.signal, sleep })) events.push(e)
    expect(brief(events)).toEqual(['insert /dev/hidraw0 A', 'insert /dev/hidraw1 B', 'remove /dev/hidraw0 A'])
    expect(sleeps).toEqual([250, 250, 250, 250])
  })
  it('initial: false stays quiet about keys already plugged in', async () => {
    const controller = new AbortController()
    const polls: UsbKey[][] = [[key('/dev/hidraw0', 'A')], []]
    let i = 0
    const events: UsbEvent[] = []
    const sleep = () => {
      if (i >= polls.length) controller.abort()
      return Promise.resolve()
    }
    for await (const e of watchUsbKeys(() => Promise.resolve(polls[i++] ?? []), { initial: false, signal: controller.signal, sleep })) events.push(e)
    expect(brief(events)).toEqual(['remove /dev/hidraw0 A'])
  })
  it('the real sleep returns at once when aborted', async () => {
    const controller = new AbortController()
    const started = performance.now()
    const gen = watchUsbKeys(() => Promise.resolve([]), { intervalMs: 60_000, signal: controller.signal })
    setTimeout(() => controller.abort(), 20)
    const events: UsbEvent[] = []
    for await (const e of gen) events.push(e)
    expect(events).toEqual([])
    expect(performance.now() - started).toBeLessThan(5_000)
  })
  it('a failing enumeration is thrown to the caller', async () => {
    const gen = watchUsbKeys(() => Promise.reject(new Error('libudev gone')))
    await expect(gen.next()).rejects.toThrow('libudev gone')
  })
})
