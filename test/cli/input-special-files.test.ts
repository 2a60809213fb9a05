// Files that are not regular files, named on the command line: read with a size
// cap and an idle timeout, or refused with one error naming them; never a hang.
// Each case runs through the fast path (bin/run.js → dist/fast) and through
// oclif (UKEY_NO_FAST_PATH=1): both read inputs with src/platform/bounded-read.ts.
import { spawn, execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync, readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT, collect, fixture, isolatedEnv, ndjson, ukey, type RunOptions, type RunResult } from '../helpers/cli.js'

const RSA = fixture('rsa.pem')
const PATHS = { fast: {}, oclif: { UKEY_NO_FAST_PATH: '1' } } as const
const NO_STACK = /\n\s+at /

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'ukey-special-'))
}

function fifo(dir: string, name = 'pipe.pem'): string {
  const path = join(dir, name)
  execFileSync('mkfifo', [path])
  return path
}

const run = (path: keyof typeof PATHS, args: string[], opts: RunOptions = {}): Promise<RunResult> =>
  ukey(args, { ...opts, env: { ...PATHS[path], ...opts.env } })

describe.each(Object.keys(PATHS) as Array<keyof typeof PATHS>)('check-window (%s path)', (path) => {
  it('a FIFO another process writes is read like a file', async () => {
    const f = fifo(scratch())
    const result = run(path, ['check-window', f, '--output', 'ndjson'])
    // Written after ukey has started; opening the FIFO waits for ukey to open it too.
    writeFileSync(f, readFileSync(RSA))
    const r = await result
    expect(r.stderr).toBe('')
    expect(ndjson(r.stdout)[0]).toMatchObject({ type: 'certificate', source: f, certificate: { subject: { cn: '张三' } } })
    expect(r.code).toBe(0)
  })

  it('a FIFO nobody writes to ends in one error naming it after the idle timeout; the other inputs are still checked', async () => {
    const f = fifo(scratch())
    const r = await run(path, ['check-window', f, RSA, '--output', 'ndjson'], { env: { UKEY_INPUT_TIMEOUT: '1' } })
    const records = ndjson(r.stdout)
    expect(records.filter((x) => x['type'] === 'certificate')).toHaveLength(1)
    expect(records.find((x) => x['type'] === 'error')).toMatchObject({ source: f, code: 'INPUT_UNREADABLE' })
    expect(r.stderr.trim().split('\n')).toEqual([`Error: ${f}: nothing came through for 1 s (a FIFO or device nobody writes to?); UKEY_INPUT_TIMEOUT sets the wait in seconds`])
    expect(r.code).toBe(3)
  })

  it('a socket is one error that says what it is', async () => {
    const dir = scratch()
    const sock = join(dir, 'agent.pem')
    const server: Server = createServer().listen(sock)
    await new Promise((resolve) => server.once('listening', resolve))
    try {
      const r = await run(path, ['check-window', sock, RSA])
      expect(r.stderr.trim().split('\n')).toEqual([`Error: ${sock}: is a socket, not a file`])
      expect(r.stdout).toContain('张三')
      expect(r.code).toBe(3)
    } finally {
      server.close()
    }
  })

  it('/dev/stdin from a shell pipe is read (it was ESPIPE)', async () => {
    const child = spawn('bash', ['-c', 'cat "$2" | "$0" "$1" check-window /dev/stdin --output ndjson', process.execPath, join(ROOT, 'bin/run.js'), RSA], {
      env: isolatedEnv(PATHS[path]),
    })
    const r = await collect(child)
    expect(r.stderr).toBe('')
    expect(ndjson(r.stdout)[0]).toMatchObject({ type: 'certificate', source: '/dev/stdin', certificate: { subject: { cn: '张三' } } })
    expect(r.code).toBe(0)
  })

  it('/dev/stdin when the parent passes a socket, as Node’s child_process does', async () => {
    const r = await run(path, ['check-window', '/dev/stdin', '--output', 'ndjson'], { stdin: readFileSync(RSA) })
    expect(r.stderr).toBe('')
    expect(ndjson(r.stdout)[0]).toMatchObject({ type: 'certificate', source: '/dev/stdin', certificate: { subject: { cn: '张三' } } })
    expect(r.code).toBe(0)
  })

  it('process substitution, <(cat a.pem), is read (it was ESPIPE)', async () => {
    const child = spawn('bash', ['-c', 'exec "$0" "$1" check-window <(cat "$2") --output ndjson', process.execPath, join(ROOT, 'bin/run.js'), RSA], {
      env: isolatedEnv(PATHS[path]),
    })
    const r = await collect(child)
    expect(r.stderr).toBe('')
    expect(ndjson(r.stdout)[0]).toMatchObject({ type: 'certificate', source: expect.stringMatching(/^\/dev\/fd\/\d+$/), certificate: { subject: { cn: '张三' } } })
    expect(r.code).toBe(0)
  })

  it('/dev/zero is too large, not "empty"', async () => {
    const r = await run(path, ['check-window', '/dev/zero', '--output', 'ndjson'])
    expect(ndjson(r.stdout)[0]).toMatchObject({ type: 'error', source: '/dev/zero', code: 'INPUT_TOO_LARGE' })
    expect(r.stderr).toMatch(/^Error: \/dev\/zero: too large \(\d+ bytes; the limit is 67108864\)\n$/)
    expect(r.code).toBe(3)
  })
})

describe('show-cert reads pipes and refuses what cannot be read, the same way', () => {
  it('process substitution and /dev/stdin', async () => {
    const child = spawn('bash', ['-c', 'exec "$0" "$1" show-cert <(cat "$2") --json', process.execPath, join(ROOT, 'bin/run.js'), RSA], { env: isolatedEnv() })
    const r = await collect(child)
    expect(JSON.parse(r.stdout).certificates[0].certificate.subject.dn).toContain('CN=张三')
    const s = await ukey(['show-cert', '/dev/stdin', '--json'], { stdin: readFileSync(RSA) })
    expect(JSON.parse(s.stdout).certificates[0].certificate.subject.dn).toContain('CN=张三')
    expect(s.code).toBe(0)
  })

  it('a FIFO nobody writes to: one error, exit 3, no hang', async () => {
    const f = fifo(scratch())
    const r = await ukey(['show-cert', f, RSA, '--json'], { env: { UKEY_INPUT_TIMEOUT: '1' } })
    const doc = JSON.parse(r.stdout)
    expect(doc.certificates).toHaveLength(1)
    expect(doc.errors).toEqual([expect.objectContaining({ source: f, code: 'INPUT_UNREADABLE' })])
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.code).toBe(3)
  })
})

describe.each(Object.keys(PATHS) as Array<keyof typeof PATHS>)('bank profiles: regular files only, size-capped (%s path)', (path) => {
  it('--profile /dev/zero is an input error naming it (it grew to 8.7 GB)', async () => {
    const r = await run(path, ['check-window', RSA, '--profile', '/dev/zero'])
    expect(r.stderr.trim().split('\n')).toEqual(['Error: bank profile /dev/zero: not a regular file (a FIFO, socket or device); name a JSON file'])
    expect(r.stdout).toBe('')
    expect(r.code).toBe(3)
  })

  it('--profile naming a FIFO is refused at once (it hung)', async () => {
    const f = fifo(scratch(), 'profile.json')
    const r = await run(path, ['check-window', RSA, '--profile', f])
    expect(r.stderr).toContain(`bank profile ${f}: not a regular file`)
    expect(r.stderr).not.toMatch(NO_STACK)
    expect(r.code).toBe(3)
  })

  it('UKEY_PROFILE and the user file are held to the same rule', async () => {
    const env = await ukey(['check-window', RSA], { env: { ...PATHS[path], UKEY_PROFILE: '/dev/zero' } })
    expect(env.stderr).toContain('bank profile /dev/zero: not a regular file')
    expect(env.code).toBe(3)
    const config = scratch()
    mkdirSync(join(config, 'ukey'))
    const user = fifo(join(config, 'ukey'), 'profile.json')
    const r = await ukey(['check-window', RSA], { env: { ...PATHS[path], XDG_CONFIG_HOME: config } })
    expect(r.stderr).toContain(`bank profile ${user}: not a regular file`)
    expect(r.code).toBe(3)
  })

  it('a regular profile over the cap is refused unread', async () => {
    const dir = scratch()
    const big = join(dir, 'profile.json')
    writeFileSync(big, `{"name":"${'x'.repeat(2 * 1024 * 1024)}"}`)
    const r = await run(path, ['check-window', RSA, '--profile', big])
    expect(r.stderr).toMatch(/bank profile .*profile\.json: too large \(\d+ bytes; the limit is 1048576\)/)
    expect(r.code).toBe(3)
  })
})

describe('the reader thread of a batch never stalls on a FIFO', () => {
  let dir: string
  beforeAll(() => {
    // Over one batch (256 files): later batches are read by the reader thread (src/flows/file-reader.ts).
    dir = scratch()
    for (let i = 0; i < 300; i++) writeFileSync(join(dir, `c${String(i).padStart(3, '0')}.pem`), readFileSync(RSA))
  })
  afterAll(() => undefined)

  it('a directory of 300 certificates is read whole, and a FIFO named beside it times out alone', async () => {
    const f = fifo(scratch())
    const r = await ukey(['check-window', dir, f, '--output', 'ndjson'], { env: { UKEY_INPUT_TIMEOUT: '1' } })
    const records = ndjson(r.stdout)
    expect(records.filter((x) => x['type'] === 'certificate')).toHaveLength(300)
    expect(records.filter((x) => x['type'] === 'error')).toEqual([expect.objectContaining({ source: f })])
    expect(r.code).toBe(3)
  })
})
