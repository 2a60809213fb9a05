import { readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { currentPlatform } from './os.js'

/**
 * How many tasks of other programs want a core right now, this process's `ownThreads`
 * (besides the one asking) left out. Linux: the kernel's count of runnable tasks
 * (/proc/loadavg, 4th field, "running/total"), an instant's figure. The 1-minute load
 * average it replaces said "busy" for a minute after a busy program had ended — a
 * batch run right after another (a script's loop, the bench) found the cores taken
 * and kept its second core idle. Elsewhere the load average is all there is (Windows: 0).
 */
export function othersRunnable(ownThreads: number): number {
  if (currentPlatform() === 'linux') {
    try {
      const running = Number(readFileSync('/proc/loadavg', 'latin1').split(' ')[3]?.split('/')[0])
      if (Number.isFinite(running)) return Math.max(0, running - 1 - ownThreads)
    } catch {
      // no /proc: the load average
    }
  }
  return loadavg()[0]!
}
