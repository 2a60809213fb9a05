import { readFileSync, readdirSync, readlinkSync } from 'node:fs'
import { currentPlatform } from './os.js'

/** A process holding a device node open. */
export interface DeviceHolder {
  pid: number
  /** The process's name (comm), or '?' when it could not be read. */
  name: string
  path: string
}

/**
 * Which processes (other than this one) have these device nodes open. Linux:
 * from /proc/<pid>/fd; elsewhere null (cannot tell).
 * Processes of other users cannot be inspected without privileges: the answer
 * is then incomplete, and the check says unknown rather than "free".
 */
export async function deviceHolders(paths: string[]): Promise<{ holders: DeviceHolder[]; complete: boolean } | null> {
  if (currentPlatform() !== 'linux') return null
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
      holders.push({ pid: Number(pid), name, path: target })
    }
  }
  return { holders, complete }
}
