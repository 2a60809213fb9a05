// The lab CMP server's hardening (issue 11 item 5, issue 13 item 6): only its
// CMP path, HTTP-level refusals in its log, a damaged record named with what to
// do, expired transactions forgotten, and a lab re-initialised under a running
// `ukey lab serve` followed. Real HTTP on 127.0.0.1, the real CLI where the
// behaviour is the command's.

import { spawn } from 'node:child_process'
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createLabCa, issueCertificate, type LabCa } from '../../src/lab/ca.js'
import { followLabCa } from '../../src/lab/ca-files.js'
import { createLabCmpServer, type LogEntry } from '../../src/lab/cmp-server.js'
import { readLabState } from '../../src/lab/token-lab.js'
import { buildKeyUpdateRequest, postPkiMessage, readResponse, softwareSigner, type CmpResponse } from '../../src/renewal/cmp/index.js'
import { spkiOf } from '../../src/renewal/cmp/signer.js'
import { isolatedEnv, ROOT, ukey } from '../helpers/cli.js'
import { freePort } from '../helpers/openssl-cmp.js'

const DAY = 86_400_000
const POLICY = { renewBeforeDays: 30, graceAfterDays: 90 }
const T0 = new Date('2026-11-30T08:00:00Z')

interface Customer {
  der: Buffer
  key: KeyObject
}

async function customer(ca: LabCa, now: Date, daysLeft = 20): Promise<Customer> {
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
  const notAfter = new Date(now.getTime() + daysLeft * DAY)
  const der = await issueCertificate(ca, {
    spki: spkiOf(key),
    subject: 'C=CN,O=ukey lab,CN=张三 (hardening)',
    serialHex: '3c' + randomBytes(7).toString('hex'),
    notBefore: new Date(notAfter.getTime() - 365 * DAY),
    notAfter,
  })
  return { der, key }
}

async function kur(c: Customer, opts: { transactionID?: Buffer; messageTime?: Date } = {}): Promise<Buffer> {
  const newKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
  return (await buildKeyUpdateRequest({ oldCert: c.der, signerOld: softwareSigner(c.key), newSpki: spkiOf(newKey), signerNew: softwareSigner(newKey), ...opts })).der
}

const statusOf = (r: CmpResponse): string => (r.kind === 'kup' ? `${r.status.status} ${r.status.text.join(' ')}`.trim() : r.kind === 'error' ? `error ${r.status.text.join(' ')}` : r.kind)

/** An HTTP request with the path exactly as given (fetch would normalise `..`). */
function rawRequest(port: number, method: string, path: string, headers: Record<string, string | number>, body?: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** Sends `payload` on a raw connection and returns what the server wrote before closing. */
function rawConnection(port: number, payload: string): Promise<string> {
  return new Promise((resolve) => {
    let got = ''
    const c = connect(port, '127.0.0.1', () => c.write(payload))
    c.on('data', (d: Buffer) => (got += d.toString('latin1')))
    c.on('close', () => resolve(got))
    c.on('error', () => resolve(got))
  })
}

describe('lab CMP server: routing, refusals, transactions', () => {
  let dir: string
  let ca: LabCa
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ukey-lab-hard-'))
    ca = await createLabCa(T0)
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  afterEach(() => {
    vi.useRealTimers()
  })

  it('serves only its CMP path: `/../../etc/passwd` and `/` get 404 and no CMP answer; /pkix/ still does', async () => {
    const log: LogEntry[] = []
    const server = createLabCmpServer({ ca, policy: POLICY, stateFile: join(dir, 'paths.json'), log: (e) => log.push(e) })
    const http = await server.listen()
    try {
      const kurDer = await kur(await customer(ca, new Date()))
      const headers = { 'Content-Type': 'application/pkixcmp', 'Content-Length': kurDer.length }
      expect(await rawRequest(http.port, 'POST', '/../../etc/passwd', headers, kurDer)).toBe(404)
      expect(await rawRequest(http.port, 'POST', '/', headers, kurDer)).toBe(404)
      expect(await rawRequest(http.port, 'POST', '/pkix/x', headers, kurDer)).toBe(404)
      expect(log.filter((e) => e.kind.startsWith('HTTP')).map((e) => `${e.kind} → ${e.outcome.slice(0, 3)}`)).toEqual([
        'HTTP POST /../../etc/passwd → 404',
        'HTTP POST / → 404',
        'HTTP POST /pkix/x → 404',
      ])
      expect(log.some((e) => e.kind === 'kur')).toBe(false)
      const ok = readResponse(await postPkiMessage(http.url, kurDer, { timeoutMs: 10_000 }))
      expect(statusOf(ok)).toBe('accepted')
    } finally {
      await http.close()
    }
  })

  it('logs every HTTP-level refusal like a CMP event: 405, 415, 413, 408, 400', async () => {
    const log: LogEntry[] = []
    const server = createLabCmpServer({ ca, policy: POLICY, stateFile: join(dir, 'http.json'), log: (e) => log.push(e) })
    // A short request deadline so the 408 comes quickly; Node's own default is 15 s here.
    const http = await server.listen('127.0.0.1', 0, { requestTimeoutMs: 300 })
    try {
      expect(await rawRequest(http.port, 'GET', '/pkix/', {})).toBe(405)
      expect(await rawRequest(http.port, 'POST', '/pkix/', { 'Content-Type': 'text/plain', 'Content-Length': 1 }, Buffer.from('x'))).toBe(415)
      expect(await rawRequest(http.port, 'POST', '/pkix/', { 'Content-Type': 'application/pkixcmp', 'Content-Length': 70 * 1024 }, Buffer.alloc(70 * 1024))).toBe(413)
      // Headers, then 3 of the 100 body bytes announced, then silence.
      const slow = await rawConnection(http.port, 'POST /pkix/ HTTP/1.1\r\nHost: lab\r\nContent-Type: application/pkixcmp\r\nContent-Length: 100\r\n\r\nabc')
      expect(slow).toMatch(/^HTTP\/1\.1 408 /)
      expect(await rawConnection(http.port, 'NOT-HTTP \x1b[2J\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /)
      // An escape sequence in the path never reaches the log (or a terminal showing it).
      expect(await rawConnection(http.port, 'GET /a\x1b]0;pwn\x07 HTTP/1.1\r\nHost: lab\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /)
      expect(log.map((e) => `${e.tid} ${e.kind} → ${e.outcome}`)).toEqual([
        '- HTTP GET /pkix/ → 405 CMP over HTTP: POST only',
        '- HTTP POST /pkix/ → 415 Content-Type must be application/pkixcmp',
        '- HTTP POST /pkix/ → 413 request larger than 65536 bytes',
        '- HTTP POST /pkix/ → 408 request not received in time',
        '- HTTP - - → 400 not an HTTP request (HPE_INVALID_METHOD)',
        '- HTTP - - → 400 not an HTTP request (HPE_INVALID_URL)',
      ])
    } finally {
      await http.close()
    }
  })

  it('a transaction idle past its lifetime no longer blocks its transactionID (20 minutes later, same ID: served again)', async () => {
    let now = T0
    const server = createLabCmpServer({ ca, policy: POLICY, stateFile: join(dir, 'ttl.json'), now: () => now, waitingCount: 1 })
    const c = await customer(ca, T0)
    const transactionID = randomBytes(16)
    expect(statusOf(readResponse(await server.handle(await kur(c, { transactionID, messageTime: now }))))).toBe('waiting')
    // Still open a minute later: the ID is in use.
    now = new Date(T0.getTime() + 60_000)
    expect(statusOf(readResponse(await server.handle(await kur(c, { transactionID, messageTime: now }))))).toBe('error transactionID already in use')
    now = new Date(T0.getTime() + 20 * 60_000)
    expect(statusOf(readResponse(await server.handle(await kur(c, { transactionID, messageTime: now }))))).toBe('waiting')
    server.close()
  })

  it('sweeps expired transactions on a timer, without any request arriving', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    let now = T0
    const server = createLabCmpServer({ ca, policy: POLICY, stateFile: join(dir, 'sweep.json'), now: () => now, waitingCount: 1, sweepEveryMs: 60_000 })
    const c = await customer(ca, T0)
    for (let i = 0; i < 3; i++) await server.handle(await kur(c, { messageTime: now }))
    expect(server.openTransactions()).toBe(3)
    vi.advanceTimersByTime(60_000)
    expect(server.openTransactions()).toBe(3) // the clock has not moved: nothing is old yet
    now = new Date(T0.getTime() + 11 * 60_000)
    vi.advanceTimersByTime(60_000)
    expect(server.openTransactions()).toBe(0)
    server.close()
  })

  it('a lab removed under the server: each request refused with what to do, nothing signed by a CA that is gone', async () => {
    const labDir = mkdtempSync(join(dir, 'gone-'))
    const certFile = join(labDir, 'ca.crt')
    const keyFile = join(labDir, 'ca.key')
    writeFileSync(certFile, ca.certPem)
    writeFileSync(keyFile, ca.keyPem)
    const log: LogEntry[] = []
    const server = createLabCmpServer({ ca: followLabCa(labDir, certFile, keyFile), policy: POLICY, stateFile: join(labDir, 'renewals.json'), log: (e) => log.push(e) })
    const c = await customer(ca, new Date())
    expect(statusOf(readResponse(await server.handle(await kur(c))))).toBe('accepted')
    unlinkSync(certFile)
    const r = readResponse(await server.handle(await kur(c)))
    expect(r.kind === 'error' && r.status.failInfo).toEqual(['systemFailure'])
    expect(statusOf(r)).toContain('lab unavailable: LAB_MISSING (run `ukey lab init`')
    expect(log.at(-1)?.outcome).toMatch(/^rejected: lab unavailable/)
    server.close()
  })
})

describe('ukey lab serve on a real lab', () => {
  let dir: string
  let labDir: string
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ukey-lab-serve-cli-'))
    labDir = join(dir, 'lab')
    const init = await ukey(['lab', 'init', '--dir', labDir, '--key', 'ec-p256'])
    expect(init.code, init.stderr).toBe(0)
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('a damaged renewals.json: exit 3 naming the file and the way out (en and zh), never "unexpected failure"', async () => {
    const store = join(labDir, 'renewals.json')
    writeFileSync(store, '{"kind":"ukey.lab-renewals","renewals":')
    try {
      const en = await ukey(['lab', 'serve', '--dir', labDir, '--port', '0'])
      expect(en.code).toBe(3)
      expect(en.stderr).toContain(store)
      expect(en.stderr).toContain('move it aside or run `ukey lab reset`')
      expect(en.stderr).not.toMatch(/unexpected|    at /i)
      const zh = await ukey(['lab', 'serve', '--dir', labDir, '--port', '0'], { env: { LANG: 'zh_CN.UTF-8' } })
      expect(zh.code).toBe(3)
      expect(zh.stderr).toContain(store)
      expect(zh.stderr).toContain('请把它移到别处，或运行 `ukey lab reset`')
    } finally {
      unlinkSync(store)
    }
  })

  it('follows `lab init --force` made while it runs: the new lab\'s certificate renews (no false 403.7)', async () => {
    const port = await freePort()
    const child = spawn(process.execPath, [join(ROOT, 'bin/run.js'), 'lab', 'serve', '--dir', labDir, '--port', String(port)], { env: isolatedEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
    let err = ''
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    try {
      for (let i = 0; i < 400 && !err.includes('CMP server on'); i++) await new Promise((r) => setTimeout(r, 25))
      const url = `http://127.0.0.1:${port}/pkix/`
      const labCa = (): LabCa => {
        const s = readLabState(labDir)!
        return { certPem: readFileSync(s.ca.cert, 'utf8'), keyPem: readFileSync(s.ca.key, 'utf8') }
      }
      const before = await customer(labCa(), new Date())
      expect(statusOf(readResponse(await postPkiMessage(url, await kur(before), { timeoutMs: 10_000 })))).toBe('accepted')

      const again = await ukey(['lab', 'init', '--dir', labDir, '--key', 'ec-p256', '--force'])
      expect(again.code, again.stderr).toBe(0)
      const after = await customer(labCa(), new Date())
      expect(statusOf(readResponse(await postPkiMessage(url, await kur(after), { timeoutMs: 10_000 })))).toBe('accepted')
      // The old lab's certificate now belongs to no lab: the CA that issued it is gone.
      expect(statusOf(readResponse(await postPkiMessage(url, await kur(before), { timeoutMs: 10_000 })))).toMatch(/^error 403\.7/)
      expect(err).toContain('- lab → re-initialised: serving its new CA (open transactions dropped)')
    } finally {
      child.kill('SIGTERM')
    }
    expect(await exited).toBe(0)
  })
})
