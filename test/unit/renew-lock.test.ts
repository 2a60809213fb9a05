import { exitCodeOf } from '../../src/output/exit-codes.js'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { UkeyError } from '../../src/errors.js'
import { lockKey } from '../../src/renewal/lock.js'

describe('one renewal per key at a time', () => {
  it('takes the lock, writes its pid, releases it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ukey-lock-'))
    const unlock = lockKey(dir, '2100000000000001')
    const file = join(dir, '2100000000000001.lock')
    expect(readFileSync(file, 'utf8').trim()).toBe(String(process.pid))
    unlock()
    expect(existsSync(file)).toBe(false)
  })

  it('refuses while another live process holds it (RENEWAL_BUSY, exit 31)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ukey-lock-'))
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' })
    try {
      writeFileSync(join(dir, '21x.lock'), `${holder.pid}\n`)
      let err: unknown
      try {
        lockKey(dir, '21x')
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(UkeyError)
      expect((err as UkeyError).code).toBe('RENEWAL_BUSY')
      expect(exitCodeOf(err as UkeyError)).toBe(31)
      expect((err as UkeyError).params['pid']).toBe(holder.pid)
    } finally {
      holder.kill('SIGKILL')
    }
  })

  it('takes over a lock whose owner is gone (killed, crashed): a rerun after a crash is never blocked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ukey-lock-'))
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
    writeFileSync(join(dir, '21y.lock'), `${gone.stdout}\n`)
    const unlock = lockKey(dir, '21y')
    expect(readFileSync(join(dir, '21y.lock'), 'utf8').trim()).toBe(String(process.pid))
    unlock()
  })
})
