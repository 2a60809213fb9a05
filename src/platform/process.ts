import { readFileSync } from 'node:fs'

/**
 * What the operating system says about a process, for telling a live owner of
 * a lock from a dead one or from an unrelated program that inherited its pid
 * (pids are reused; after a reboot they start again from the bottom).
 */
export interface ProcessIdentity {
  pid: number
  /**
   * When the process started, as the OS counts it, or null where this cannot be
   * read. Linux: `<boot id>:<start ticks>` (field 22 of /proc/<pid>/stat, in clock
   * ticks since boot, is unique per boot; the boot id makes it unique across reboots).
   */
  start: string | null
  /** The process's command line (argv joined by spaces), or null where unknown. */
  command: string | null
}

/** Signal 0 tests for existence without touching the process (Windows too); EPERM means it exists, owned by someone else. */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The identity of a running process; null when it does not exist. Only Linux has start time and command (procfs). */
export function processIdentity(pid: number): ProcessIdentity | null {
  if (!isAlive(pid)) return null
  if (process.platform !== 'linux') return { pid, start: null, command: null }
  const start = linuxStart(pid)
  // Read after the start time: a process that exited in between has no cmdline (null), not another's.
  const command = readProc(`/proc/${pid}/cmdline`)
  if (start === null && command === null && !isAlive(pid)) return null
  return { pid, start, command: command === null ? null : command.replace(/\0+$/, '').split('\0').join(' ') }
}

/** This process: what a lock records about its owner. */
export function ownIdentity(): ProcessIdentity {
  return processIdentity(process.pid) ?? { pid: process.pid, start: null, command: process.argv.join(' ') }
}

/** Whether the OS can tell a process's start time, so that a reused pid is recognised. */
export function canIdentifyProcesses(): boolean {
  return process.platform === 'linux'
}

function linuxStart(pid: number): string | null {
  const stat = readProc(`/proc/${pid}/stat`)
  const boot = readProc('/proc/sys/kernel/random/boot_id')
  if (stat === null) return null
  // The command name (field 2) is in parentheses and may itself hold spaces or ')': fields count from the last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = rest[22 - 3]
  return ticks ? `${(boot ?? '').trim()}:${ticks}` : null
}

function readProc(path: string): string | null {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return null
  }
}
