import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, expect, it } from 'vitest'
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

// Runs under umockdev-wrapper (the preload), creates the testbed, starts the watcher in it.
const DRIVER = `
import json, os, select, signal, subprocess, sys, time
import gi
gi.require_version('UMockdev', '1.0')
from gi.repository import UMockdev
fixtures, script = sys.argv[1], sys.argv[2]
USB1 = '/sys/devices/pci0000:00/0000:00:14.0/usb1'
tb = UMockdev.Testbed.new()
watcher = subprocess.Popen([sys.argv[3], script], stdout=subprocess.PIPE, env=dict(os.environ, UMOCKDEV_DIR=tb.get_root_dir()))
seen = []
pending = b''
def expect(what, pred, since, timeout=10):
    # os.read on the pipe, not readline: a buffered reader could hold a line select() no longer reports.
    global pending
    while time.monotonic() - since < timeout:
        while b'\\n' in pending:
            line, pending = pending.split(b'\\n', 1)
            event = json.loads(line)
            seen.append(event)
            if pred(event):
                event['step'] = what
                event['ms'] = round((time.monotonic() - since) * 1000)
                return
        if select.select([watcher.stdout], [], [], 0.05)[0]:
            chunk = os.read(watcher.stdout.fileno(), 65536)
            if not chunk: break
            pending += chunk
    watcher.kill()
    sys.exit('no event for %s; saw %s' % (what, json.dumps(seen)))
expect('start', lambda e: e.get('ready'), time.monotonic())
t = time.monotonic()
tb.add_from_file(fixtures + '/huada-ccid.umockdev')
expect('plug huada', lambda e: e.get('type') == 'insert', t)
t = time.monotonic()
tb.add_from_file(fixtures + '/watchdata-hid.umockdev')
expect('plug watchdata', lambda e: e.get('type') == 'insert', t)
t = time.monotonic()
for p in ['1-2/1-2:1.0', '1-2']:
    tb.remove_device(USB1 + '/' + p)
expect('pull huada', lambda e: e.get('type') == 'remove', t)
t = time.monotonic()
hid = USB1 + '/1-1/1-1:1.0/0003:163C:0407.0001'
for p in [hid + '/hidraw/hidraw0', hid, USB1 + '/1-1/1-1:1.0', USB1 + '/1-1']:
    tb.remove_device(p)
expect('pull watchdata', lambda e: e.get('type') == 'remove', t)
t = time.monotonic()
watcher.send_signal(signal.SIGTERM)
expect('stop', lambda e: e.get('stopped'), t)
watcher.wait(5)
print(json.dumps(seen))
`

let script = ''
beforeAll(async () => {
  requireUmockdevBindings()
  script = await bundleScript(WATCHER, 'usb-watch')
})
afterAll(() => rmSync(script, { force: true }))

function drive(): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('umockdev-wrapper', [SYSTEM_PYTHON, '-c', DRIVER, USB_FIXTURES, script, process.execPath], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
  })
}

it('a key plugged in and pulled out while watching: insert and remove events from the real listers', async () => {
  const r = await drive()
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
