// The renewal lock (issue 11 item 2): exclusive from the instant it exists,
// its owner named, a stale one taken over without a race. The races run in
// separate processes, as two `ukey renew` would.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, describe, expect, it } from 'vitest'
import { UkeyError } from '../../src/errors.js'
import { exitCodeOf } from '../../src/output/exit-codes.js'
import { processIdentity } from '../../src/platform/process.js'
import { lockKey } from '../../src/renewal/lock.js'
import { ROOT } from '../helpers/cli.js'

const RACER = join(ROOT, 'test/helpers/lock-racer.ts')

function busyError(f: () => unknown): UkeyError {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(UkeyError)
    return e as UkeyError
  }
  throw new Error('expected RENEWAL_BUSY')
}

/** A pid that existed a moment ago and no longer does. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout)
}

interface Racer {
  child: ChildProcessWithoutNullStreams
  next(): Promise<string>
}

function startRacer(): Racer {
  const child = spawn(process.execPath, ['--import', 'tsx', RACER], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] })
  const queue: string[] = []
  const waiting: Array<(l: string) => void> = []
  createInterface({ input: child.stdout }).on('line', (l) => {
    const w = waiting.shift()
    if (w) w(l)
    else queue.push(l)
  })
  return { child, next: () => new Promise((r) => (queue.length ? r(queue.shift()!) : waiting.push(r))) }
}

const started: Racer[] = []
afterAll(() => {
  for (const r of started) r.child.stdin.end()
})

describe('one renewal per key at a time', () => {
  it('records its owner (pid, start time, host, since) in the same instant it exists, and releases', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ukey-lock-'))
    const unlock = lockKey(dir, '2100000000000001', () => new Date('2026-11-30T10:00:00Z'))
    const file = join(dir, '2100000000000001.lock')
    const owner = JSON.parse(readFileSync(file, 'utf8'))
    expect(owner).toMatchObject({ pid: process.pid, host: hostname(), since: '2026-11-30T10:00:00.000Z' })
    if (process.platform === 'linux') expect(owner.start).toBe(processIdentity(process.pid)!.start)
    unlock()
    expect(existsSync(file)).toBe(false)
    expect(readdirSync(dir)).toEqual([]) // no temporary file left behind
  })

  it('refuses while another live ukey holds it: RENEWAL_BUSY (exit 31) naming the pid, since when and the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ukey-lock-'))
    const holder = startRacer()
    started.push(holder)
    expect(await holder.next()).toBe('ready')
    holder.child.stdin.write(`${dir} 21x\n`)
    expect(await holder.next()).toBe('won 21x')
    const err = busyError(() => lockKey(dir, '21x'))
    expect(err.code).toBe('RENEWAL_BUSY')
    expect(exitCodeOf(err)).toBe(31)
    expect(err.params['pid']).toBe(holder.child.pid)
    expect(String(err.params['since'])).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect(err.params['file']).toBe(join(dir, '21x.lock'))
    // Released by its owner: free again.
    holder.child.stdin.write('\n')
    holder.child.stdin.write(`${dir} other\n`)
    expect(await holder.next()).toBe('won other')
    lockKey(dir, '21x')()
  })

  it('takes over a lock whose owner is gone (killed, crashed): a rerun after a crash is never blocked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ukey-lock-'))
    writeFileSync(join(dir, '21y.lock'), JSON.stringify({ pid: deadPid(), start: 'x:1', command: 'ukey renew', host: hostname(), since: '2026-01-01T00:00:00Z' }))
    const unlock = lockKey(dir, '21y')
    expect(JSON.parse(readFileSync(join(dir, '21y.lock'), 'utf8')).pid).toBe(process.pid)
    unlock()
    // An old ukey's lock ("<pid>\n") whose process is gone: the same.
    writeFileSync(join(dir, '21y.lock'), `${deadPid()}\n`)
    lockKey(dir, '21y')()
  })

  it.runIf(process.platform === 'linux')('takes over a lock whose pid now belongs to another program (pid reused after a reboot): start time and command differ', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ukey-lock-'))
    const other = spawn('sleep', ['30'], { stdio: 'ignore' })
    try {
      const live = processIdentity(other.pid!)!
      expect(live.command).toBe('sleep 30')
      // The record a ukey wrote before the reboot: same pid, its own start time.
      writeFileSync(join(dir, '21z.lock'), JSON.stringify({ pid: other.pid, start: 'another-boot:4242', command: 'node ukey renew', host: hostname(), since: '2026-01-01T00:00:00Z' }))
      lockKey(dir, '21z')()
      // An old ukey's bare-pid lock, the pid now a `sleep`: not ukey by its command line.
      writeFileSync(join(dir, '21z.lock'), `${other.pid}\n`)
      lockKey(dir, '21z')()
      // The same record naming the live process's real start time is that process: busy.
      writeFileSync(join(dir, '21z.lock'), JSON.stringify({ pid: other.pid, start: live.start, command: live.command, host: hostname(), since: '2026-01-01T00:00:00Z' }))
      expect(busyError(() => lockKey(dir, '21z')).params['pid']).toBe(other.pid)
    } finally {
      other.kill('SIGKILL')
    }
  })

  it('a lock on another host (a shared folder) is never taken over: its process cannot be checked from here', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ukey-lock-'))
    writeFileSync(join(dir, '21h.lock'), JSON.stringify({ pid: deadPid(), start: null, command: null, host: `not-${hostname()}`, since: '2026-01-01T00:00:00Z' }))
    expect(busyError(() => lockKey(dir, '21h')).code).toBe('RENEWAL_BUSY')
  })

  it('races in separate processes: 4 racers × 200 rounds (1,200 simultaneous pairs), half of the rounds through a stale lock; exactly one wins each round', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ukey-lock-race-'))
    const racers = [startRacer(), startRacer(), startRacer(), startRacer()]
    started.push(...racers)
    for (const r of racers) expect(await r.next()).toBe('ready')
    const ROUNDS = 200
    // A stale owner: a dead process, with a start time no live process has (stale even if the pid is reused meanwhile).
    const stale = JSON.stringify({ pid: deadPid(), start: 'gone:1', command: 'ukey', host: hostname(), since: '2026-01-01T00:00:00Z' })
    const winners: number[] = []
    let busyNamed = 0
    for (let round = 0; round < ROUNDS; round++) {
      const serial = `race${round}`
      // Odd rounds start from a stale lock (its owner dead): every racer goes through the takeover.
      if (round % 2) writeFileSync(join(dir, `${serial}.lock`), stale)
      for (const r of racers) r.child.stdin.write(`${dir} ${serial}\n`)
      const answers = await Promise.all(racers.map((r) => r.next()))
      const won = answers.filter((a) => a.startsWith('won '))
      winners.push(won.length)
      const winnerPid = racers[answers.findIndex((a) => a.startsWith('won '))]?.child.pid
      busyNamed += answers.filter((a) => a === `busy ${serial} ${winnerPid}`).length
      expect(answers.filter((a) => a.startsWith('error'))).toEqual([])
    }
    // 4 racers per round: C(4,2) = 6 simultaneous pairs per round.
    console.log(`lock race: ${ROUNDS} rounds of 4 racers (${ROUNDS * 6} pairs); rounds with one winner: ${winners.filter((w) => w === 1).length}, with none: ${winners.filter((w) => w === 0).length}, with two or more: ${winners.filter((w) => w > 1).length}; losers told the winner's pid: ${busyNamed}/${ROUNDS * 3}`)
    expect(winners).toEqual(Array(ROUNDS).fill(1))
    expect(busyNamed).toBe(ROUNDS * 3)
  })
})
