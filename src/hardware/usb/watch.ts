import type { UsbKey } from './types.js'

/**
 * What `detect --watch` prints: the difference between two enumerations. Polled
 * rather than hot-plug callbacks: node-hid has none, libusb's need a running
 * event thread, and a technician's counter needs ~1 s resolution, not less.
 */
export type UsbEvent = { type: 'insert'; key: UsbKey } | { type: 'remove'; key: UsbKey }

/**
 * A device's identity across enumerations: transport and path (the port it sits
 * in), plus ids and serial, so a key swapped for another in the same port within
 * one poll is a remove and an insert, not nothing.
 */
export function usbKeyId(k: UsbKey): string {
  return [k.transport, k.path, hex4(k.vendorId), hex4(k.productId), k.serial ?? ''].join('|')
}

/** Pure: removals first (a swap reads "out, in"), each group in the order of its enumeration. */
export function diffUsbKeys(before: UsbKey[], after: UsbKey[]): UsbEvent[] {
  const was = new Set(before.map(usbKeyId))
  const now = new Set(after.map(usbKeyId))
  const removed = dedupe(before).filter((k) => !now.has(usbKeyId(k)))
  const inserted = dedupe(after).filter((k) => !was.has(usbKeyId(k)))
  return [...removed.map((key) => ({ type: 'remove' as const, key })), ...inserted.map((key) => ({ type: 'insert' as const, key }))]
}

function dedupe(keys: UsbKey[]): UsbKey[] {
  const seen = new Set<string>()
  return keys.filter((k) => {
    const id = usbKeyId(k)
    if (seen.has(id)) return false
    seen.add(id)
    return true
  })
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0')
}

export interface WatchOptions {
  intervalMs?: number
  /** Stops the watch (Ctrl-C in `detect --watch`); the generator then returns. */
  signal?: AbortSignal
  /** Report the devices already plugged in at the start as inserts (default true). */
  initial?: boolean
  /** Injected by tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
}

/** Polls `enumerate` and yields the differences until `signal` aborts. A failing poll is thrown to the caller. */
export async function* watchUsbKeys(enumerate: () => Promise<UsbKey[]>, options: WatchOptions = {}): AsyncGenerator<UsbEvent> {
  const { intervalMs = 1000, signal, initial = true, sleep = abortableSleep } = options
  let previous: UsbKey[] = []
  let first = true
  while (!signal?.aborted) {
    const current = await enumerate()
    if (signal?.aborted) return
    if (!first || initial) yield* diffUsbKeys(previous, current)
    previous = current
    first = false
    await sleep(intervalMs, signal)
  }
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const done = () => {
      clearTimeout(t)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const t = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}
