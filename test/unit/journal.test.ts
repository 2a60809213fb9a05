import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { RenewalJournal, writeDurably } from '../../src/renewal/journal.js'

const init = {
  token: { serial: '2100000012345678', label: 'ukey-lab', module: '/usr/lib/softhsm/libsofthsm2.so' },
  old: { keyId: 'aa01', certSerial: '7f01', certSha256: 'AB:CD' },
}
const dir = () => mkdtempSync(join(tmpdir(), 'ukey-journal-'))

describe('renewal journal', () => {
  it('records each step before and after it runs, and a rerun resumes the open journal', () => {
    const d = dir()
    const j = RenewalJournal.open(d, init)
    j.begin('window-checked')
    j.end('window-checked', { state: 'renewable' })
    j.begin('key-generated')
    j.end('key-generated', { algorithm: 'EC' }, { newKeyId: 'bb02' })
    j.begin('request-sent')
    const again = RenewalJournal.open(d, init)
    expect(again.file).toBe(j.file)
    expect(again.lastCompleted).toBe('key-generated')
    expect(again.data.newKeyId).toBe('bb02')
    expect(again.data.entries.map((e) => `${e.step}:${e.phase}`)).toEqual([
      'window-checked:begin', 'window-checked:end', 'key-generated:begin', 'key-generated:end', 'request-sent:begin',
    ])
    expect(RenewalJournal.pending(d).map((p) => p.data.id)).toEqual(['2100000012345678-7f01'])
  })

  it('writes its times from the clock it is given (the transaction passes its own), and tells a step begun from one ended', () => {
    const d = dir()
    let t = Date.parse('2026-11-30T08:00:00Z')
    const clock = (): Date => new Date((t += 1000))
    const j = RenewalJournal.open(d, init, clock)
    j.begin('key-generated')
    expect(j.begun('key-generated')).toBe(true)
    expect(j.completed('key-generated')).toBe(false)
    j.end('key-generated')
    expect(j.data.createdAt).toBe('2026-11-30T08:00:01.000Z')
    expect(j.data.entries.map((e) => e.at)).toEqual(['2026-11-30T08:00:02.000Z', '2026-11-30T08:00:03.000Z'])
    const again = RenewalJournal.pending(d, clock)[0]!
    again.begin('request-sent')
    expect(again.data.entries.at(-1)!.at).toBe('2026-11-30T08:00:04.000Z')
  })

  it('a closed journal is not pending, and a new renewal of the same certificate starts afresh', () => {
    const d = dir()
    const j = RenewalJournal.open(d, init)
    j.end('old-removed')
    j.close('done')
    expect(RenewalJournal.pending(d)).toEqual([])
    expect(RenewalJournal.open(d, init).data.entries).toEqual([])
  })

  it('a torn write leaves the previous content: the temporary file is never read as the journal', () => {
    const d = dir()
    const j = RenewalJournal.open(d, init)
    j.end('window-checked')
    writeFileSync(`${j.file}.99999.tmp`, '{"schemaVersion":1,"entr') // a crash in the middle of the next save
    expect(RenewalJournal.load(j.file)?.lastCompleted).toBe('window-checked')
    expect(RenewalJournal.pending(d)).toHaveLength(1)
  })

  it('survives SIGKILL between saves: whatever was saved is whole', async () => {
    const d = dir()
    const file = join(d, 'x.json')
    const child = join(d, 'writer.ts')
    writeFileSync(child, `
      import { writeDurably } from ${JSON.stringify(new URL('../../src/renewal/journal.ts', import.meta.url).pathname)}
      let i = 0
      for (;;) {
        writeDurably(${JSON.stringify(file)}, JSON.stringify({ i: i++, pad: 'x'.repeat(20000) }))
        if (i === 1) process.stdout.write('writing\\n')
      }
    `)
    // Killed once it is busy saving (however long a slow machine takes to get there), mid-loop.
    const p = spawn(process.execPath, ['--import', 'tsx', child], { stdio: ['ignore', 'pipe', 'inherit'] })
    await new Promise<void>((resolve, reject) => {
      p.stdout.once('data', () => setTimeout(resolve, 300))
      p.once('exit', (code) => reject(new Error(`writer exited early (${code})`)))
    })
    const exited = new Promise((r) => p.once('exit', (_c, sig) => r(sig)))
    p.kill('SIGKILL')
    expect(await exited).toBe('SIGKILL')
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { i: number; pad: string }
    expect(saved.i).toBeGreaterThan(0)
    expect(saved.pad).toHaveLength(20000)
    expect(readdirSync(d).filter((n) => !n.endsWith('.tmp')).sort()).toEqual(['writer.ts', 'x.json'])
  })

  it('writeDurably replaces the file whole', () => {
    const d = dir()
    const f = join(d, 'a.json')
    writeDurably(f, 'one')
    writeDurably(f, 'two')
    expect(readFileSync(f, 'utf8')).toBe('two')
    expect(existsSync(`${f}.${process.pid}.tmp`)).toBe(false)
  })
})

describe('journal and lock files under a permissive umask (issue 11)', () => {
  it('umask 000: the journal folder, the lock folder and their files are the user\'s alone (0700 / 0600)', async () => {
    const { lockKey } = await import('../../src/renewal/lock.js')
    const { statSync } = await import('node:fs')
    const old = process.umask(0)
    try {
      const base = mkdtempSync(join(tmpdir(), 'ukey-journal-umask-'))
      const jdir = join(base, 'state', 'ukey', 'journal')
      const j = RenewalJournal.open(jdir, init)
      j.begin('window-checked')
      expect(statSync(jdir).mode & 0o777).toBe(0o700)
      expect(statSync(join(base, 'state')).mode & 0o777).toBe(0o700)
      for (const f of readdirSync(jdir)) expect(statSync(join(jdir, f)).mode & 0o777, f).toBe(0o600)
      const ldir = join(base, 'locks')
      const unlock = lockKey(ldir, '2100000012345678')
      expect(statSync(ldir).mode & 0o777).toBe(0o700)
      for (const f of readdirSync(ldir)) expect(statSync(join(ldir, f)).mode & 0o777, f).toBe(0o600)
      unlock()
    } finally {
      process.umask(old)
    }
  })
})
