import { deviceHolders } from '../../platform/processes.js'
import { msg, unknown, type Check } from './check.js'

// The smart-card daemon holds every CCID reader by design: it is how vendor modules reach the key.
const EXPECTED_HOLDERS = new Set(['pcscd'])

/**
 * FAQ 10.2 ("close all IE windows"): the command-line analogue is another
 * program holding the key open, so the management tool or ukey cannot reach it.
 * Best effort: unknown whenever it cannot tell.
 */
export const deviceBusy: Check = async (probes) => {
  const v = await probes.view()
  const paths = v.keys.filter((k) => k.usb && k.usb.kind !== 'other').map((k) => k.usb!.key.path)
  if (paths.length === 0) return unknown(msg('diagnose.ev.noDeviceNode'))
  const found = await (probes.world.deviceHolders ?? deviceHolders)(paths)
  if (!found) return unknown(msg('diagnose.ev.holdersUnknown'))
  const scan = { ...found, holders: found.holders.filter((h) => !EXPECTED_HOLDERS.has(h.name)) }
  if (scan.holders.length) {
    const h = scan.holders[0]!
    return {
      outcome: 'fail',
      evidence: scan.holders.map((x) => msg('diagnose.ev.holder', { pid: x.pid, name: x.name, path: x.path })),
      data: { holders: scan.holders.length },
      remedy: msg('diagnose.fix.closeHolder', { pid: h.pid, name: h.name }),
    }
  }
  if (!scan.complete) return unknown(msg('diagnose.ev.holdersPartial', { paths: paths.join(', ') }))
  return { outcome: 'pass', evidence: [msg('diagnose.ev.noHolder', { paths: paths.join(', ') })], data: { holders: 0 } }
}
