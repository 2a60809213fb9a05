import { readFileSync, readdirSync, readlinkSync } from 'node:fs'
import type { DeviceHolder } from '../world.js'
import { msg, unknown, type Check } from './check.js'

// The smart-card daemon holds every CCID reader by design: it is how vendor modules reach the key.
const EXPECTED_HOLDERS = new Set(['pcscd'])

/**
 * Linux: which processes have these device nodes open, from /proc/<pid>/fd.
 * Processes of other users cannot be inspected without privileges: the answer
 * is then incomplete, and the check says unknown rather than "free".
 */
export async function procDeviceHolders(paths: string[]): Promise<{ holders: DeviceHolder[]; complete: boolean } | null> {
  if (process.platform !== 'linux') return null
  let pids: string[]
  try {
    pids = readdirSync('/proc').filter((n) => /^\d+$/.test(n))
  } catch {
    return null
  }
  const wanted = new Set(paths)
  const holders: DeviceHolder[] = []
  let complete = true
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue
    let fds: string[]
    try {
      fds = readdirSync(`/proc/${pid}/fd`)
    } catch (e) {
      // A process that ended meanwhile is not a gap; one we may not look into is.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') complete = false
      continue
    }
    for (const fd of fds) {
      let target: string
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`)
      } catch {
        continue
      }
      if (!wanted.has(target)) continue
      let name = '?'
      try {
        name = readFileSync(`/proc/${pid}/comm`, 'utf8').trim()
      } catch {
        // keep '?'
      }
      if (!EXPECTED_HOLDERS.has(name)) holders.push({ pid: Number(pid), name, path: target })
    }
  }
  return { holders, complete }
}

/**
 * FAQ 10.2 ("close all IE windows"): the command-line analogue is another
 * program holding the key open, so the management tool or ukey cannot reach it.
 * Best effort: unknown whenever it cannot tell.
 */
export const deviceBusy: Check = async (probes) => {
  const v = await probes.view()
  const paths = v.keys.filter((k) => k.usb && k.usb.kind !== 'other').map((k) => k.usb!.key.path)
  if (paths.length === 0) return unknown(msg('diagnose.ev.noDeviceNode'))
  const scan = await (probes.world.deviceHolders ?? procDeviceHolders)(paths)
  if (!scan) return unknown(msg('diagnose.ev.holdersUnknown'))
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
