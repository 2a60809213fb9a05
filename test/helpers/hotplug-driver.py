"""Drives a USB hot-plug scenario: runs a watcher command inside a umockdev testbed,
plugs and pulls fixture devices through umockdev's own API, and waits for the
watcher's JSON event after each step. Usage (under umockdev-wrapper):
  hotplug-driver.py FIXTURES_DIR READY_KEY READY_VALUE STOP_KEY STOP_VALUE -- WATCHER_CMD...
Prints the events seen (with the step each answered and its latency in ms)."""
import json, os, select, signal, subprocess, sys, time
import gi
gi.require_version('UMockdev', '1.0')
from gi.repository import UMockdev

sep = sys.argv.index('--')
fixtures, ready_key, ready_value, stop_key, stop_value = sys.argv[1:6]
command = sys.argv[sep + 1:]
USB1 = '/sys/devices/pci0000:00/0000:00:14.0/usb1'
tb = UMockdev.Testbed.new()
watcher = subprocess.Popen(command, stdout=subprocess.PIPE, env=dict(os.environ, UMOCKDEV_DIR=tb.get_root_dir()))
seen = []
pending = b''

def expect(what, pred, since, timeout=15):
    # os.read on the pipe, not readline: a buffered reader could hold a line select() no longer reports.
    global pending
    while time.monotonic() - since < timeout:
        while b'\n' in pending:
            line, pending = pending.split(b'\n', 1)
            event = json.loads(line)
            seen.append(event)
            if pred(event):
                event['step'] = what
                event['ms'] = round((time.monotonic() - since) * 1000)
                return
        if select.select([watcher.stdout], [], [], 0.05)[0]:
            chunk = os.read(watcher.stdout.fileno(), 65536)
            if not chunk:
                break
            pending += chunk
    watcher.kill()
    sys.exit('no event for %s; saw %s' % (what, json.dumps(seen)))

expect('start', lambda e: e.get(ready_key) in (True, ready_value), time.monotonic())
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
watcher.send_signal(signal.SIGINT)
expect('stop', lambda e: e.get(stop_key) in (True, stop_value), t)
watcher.wait(5)
print(json.dumps(seen))
