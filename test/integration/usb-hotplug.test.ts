import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { join } from 'node:path'
import { ROOT } from '../helpers/cli.js'
import { schemaErrors } from '../helpers/schemas.js'
import { SYSTEM_PYTHON, USB_FIXTURES, bundleScript, requireUmockdevBindings } from '../helpers/umockdev.js'

/**
 * Hot-plug with the real listers: a watcher (watchUsbKeys over listUsbKeys,
 * polling every 100 ms) runs inside a umockdev testbed while a driver adds and
 * removes devices through umockdev's own API (Testbed.add_from_file /
 * remove_device, from Python: umockdev-run fixes its devices at start). Each
 * step waits for the watcher's event, so the test also measures how soon a key
 * is seen.
 */

const WATCHER = `
import { listUsbKeys, watchUsbKeys } from './src/hardware/usb/index.ts'
const stop = new AbortController()
process.on('SIGTERM', () => stop.abort())
process.on('SIGINT', () => stop.abort())
let polls = 0
const enumerate = async () => {
  const { keys, errors } = await listUsbKeys()
  for (const e of errors) console.log(JSON.stringify({ error: e.error.message }))
  if (polls++ === 0) setImmediate(() => console.log(JSON.stringify({ ready: true })))
  return keys
}
for await (const e of watchUsbKeys(enumerate, { intervalMs: 100, signal: stop.signal })) {
  console.log(JSON.stringify({ type: e.type, transport: e.key.transport, path: e.key.path, vendorId: e.key.vendorId, serial: e.key.serial }))
}
console.log(JSON.stringify({ stopped: true }))
`

let script = ''
beforeAll(async () => {
  requireUmockdevBindings()
  script = await bundleScript(WATCHER, 'usb-watch')
})
afterAll(() => rmSync(script, { force: true }))

/** Runs the shared driver (test/helpers/hotplug-driver.py) around a watcher command. */
function drive(ready: [string, string], stop: [string, string], command: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const driver = join(ROOT, 'test/helpers/hotplug-driver.py')
    const child = spawn('umockdev-wrapper', [SYSTEM_PYTHON, driver, USB_FIXTURES, ...ready, ...stop, '--', ...command], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
  })
}

it('a key plugged in and pulled out while watching: insert and remove events from the real listers', async () => {
  const r = await drive(['ready', 'true'], ['stopped', 'true'], [process.execPath, script])
  expect(r.code, r.stderr).toBe(0)
  const events = JSON.parse(r.stdout) as Array<Record<string, unknown>>
  const strip = (e: Record<string, unknown>) => Object.fromEntries(Object.entries(e).filter(([k]) => k !== 'ms'))
  expect(events.map(strip)).toEqual([
    { ready: true, step: 'start' },
    { step: 'plug huada', type: 'insert', transport: 'ccid', path: '/dev/bus/usb/001/003', vendorId: 0x1677, serial: '3100000000000001' },
    { step: 'plug watchdata', type: 'insert', transport: 'hid', path: '/dev/hidraw0', vendorId: 0x163c, serial: '2100012345' },
    { step: 'pull huada', type: 'remove', transport: 'ccid', path: '/dev/bus/usb/001/003', vendorId: 0x1677, serial: '3100000000000001' },
    { step: 'pull watchdata', type: 'remove', transport: 'hid', path: '/dev/hidraw0', vendorId: 0x163c, serial: '2100012345' },
    { stopped: true, step: 'stop' },
  ])
  // How soon each change was seen (100 ms polling): for the report.
  console.error('hot-plug latency, ms:', JSON.stringify(events.map((e) => [e['step'], e['ms']])))
})

it('`ukey detect --watch --json` as a technician runs it: one event per line for each key plugged and pulled, then stops on Ctrl-C', async () => {
  const r = await drive(['type', 'watching'], ['type', 'stopped'], [process.execPath, join(ROOT, 'bin/run.js'), 'detect', '--watch', '--json', '--interval', '100', '--lang', 'en'])
  expect(r.code, r.stderr).toBe(0)
  const events = JSON.parse(r.stdout) as Array<Record<string, unknown>>
  const brief = events.map((e) => [e['step'], e['type'], (e['usb'] as { vendorId?: string } | undefined)?.vendorId ?? null, (e['vendor'] as { code?: string } | null | undefined)?.code ?? null])
  expect(brief).toEqual([
    ['start', 'watching', null, null],
    ['plug huada', 'insert', '0x1677', '31'],
    ['plug watchdata', 'insert', '0x163c', '21'],
    ['pull huada', 'remove', '0x1677', '31'],
    ['pull watchdata', 'remove', '0x163c', '21'],
    ['stop', 'stopped', null, null],
  ])
  for (const e of events) expect(typeof e['at']).toBe('string')
  // Each line as ukey wrote it (without the driver's step and ms) is a line of the published schema, head included.
  for (const e of events) {
    const line = Object.fromEntries(Object.entries(e).filter(([k]) => k !== 'step' && k !== 'ms'))
    expect(schemaErrors('detect-watch', line), String(e['step'])).toEqual([])
  }
})
