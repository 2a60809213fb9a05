// A small PKI for CMP tests (the lab CA code, software keys) and OpenSSL's
// `openssl cmp` mock server around it (shared/notes/cmp.md).

import { spawn, type ChildProcess } from 'node:child_process'
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLabCa, issueCertificate, type LabCa } from '../../src/lab/ca.js'
import { spkiOf } from '../../src/renewal/cmp/signer.js'

const DAY = 86_400_000

export type KeyKind = 'rsa' | 'ec'

export function softwareKey(kind: KeyKind): KeyObject {
  return kind === 'rsa'
    ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
    : generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
}

export interface TestPki {
  ca: LabCa
  caDer: Buffer
  /** The CMP server's signing certificate and key (issued by the CA). */
  srvDer: Buffer
  srvKey: KeyObject
  /** The customer's expiring certificate and its key. */
  oldDer: Buffer
  oldKey: KeyObject
  /** The renewal key, and a certificate for it with the old certificate's issuer and serial (the 3.0 mock's "certid" check). */
  newKey: KeyObject
  renewedDer: Buffer
  subject: string
  serialHex: string
}

export async function makeTestPki(opts: { oldKey?: KeyKind; newKey?: KeyKind; now?: Date } = {}): Promise<TestPki> {
  const now = opts.now ?? new Date()
  const ca = await createLabCa(now)
  const caDer = pemToDer(ca.certPem)
  const srvKey = softwareKey('ec')
  const srvDer = await issueCertificate(ca, {
    spki: spkiOf(srvKey),
    subject: 'C=CN,O=ukey lab,CN=ukey lab CMP server',
    serialHex: '02',
    notBefore: new Date(now.getTime() - DAY),
    notAfter: new Date(now.getTime() + 365 * DAY),
  })
  const oldKey = softwareKey(opts.oldKey ?? 'rsa')
  const newKey = softwareKey(opts.newKey ?? 'ec')
  // UTF-8 in the subject: the request must carry it byte for byte.
  const subject = 'C=CN,O=ukey lab,CN=张三 test customer'
  const serialHex = '7f' + randomBytes(7).toString('hex')
  const oldDer = await issueCertificate(ca, {
    spki: spkiOf(oldKey),
    subject,
    serialHex,
    notBefore: new Date(now.getTime() - 340 * DAY),
    notAfter: new Date(now.getTime() + 20 * DAY),
  })
  const renewedDer = await issueCertificate(ca, {
    spki: spkiOf(newKey),
    subject,
    serialHex,
    notBefore: new Date(now.getTime() - DAY),
    notAfter: new Date(now.getTime() + 365 * DAY),
  })
  return { ca, caDer, srvDer, srvKey, oldDer, oldKey, newKey, renewedDer, subject, serialHex }
}

export function pemToDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64')
}

export function derToPem(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`
}

/** A temp directory with the PKI as PEM files for the openssl command line. */
export function writePkiFiles(pki: TestPki): { dir: string; file: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ukey-cmp-'))
  const file = (name: string): string => join(dir, name)
  writeFileSync(file('ca.crt'), derToPem(pki.caDer))
  writeFileSync(file('srv.crt'), derToPem(pki.srvDer))
  writeFileSync(file('srv.key'), pki.srvKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 })
  writeFileSync(file('old.crt'), derToPem(pki.oldDer))
  writeFileSync(file('old.key'), pki.oldKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 })
  writeFileSync(file('new.key'), pki.newKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 })
  writeFileSync(file('renewed.crt'), derToPem(pki.renewedDer))
  return { dir, file, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

export interface MockServer {
  /** Always 127.0.0.1 (the mock listens on every interface; tests talk to loopback only). */
  url: string
  port: number
  /** What the server wrote so far (its log lines). */
  output(): string
  stop(): Promise<void>
}

/**
 * `openssl cmp -port …` with the test PKI. `rsp` picks the certificate it
 * returns: 'renewed' (for the new key, success) or 'old' (the 3.0 mock's
 * fallback: a correct client must refuse it).
 */
export async function startMockServer(files: { file: (name: string) => string }, opts: { rsp?: 'renewed' | 'old'; args?: string[] } = {}): Promise<MockServer> {
  const port = await freePort()
  const args = [
    'cmp',
    '-port', String(port),
    '-srv_cert', files.file('srv.crt'),
    '-srv_key', files.file('srv.key'),
    '-srv_trusted', files.file('ca.crt'),
    '-rsp_cert', files.file(opts.rsp === 'old' ? 'old.crt' : 'renewed.crt'),
    '-rsp_extracerts', files.file('ca.crt'),
    '-max_msgs', '50',
    ...(opts.args ?? []),
  ]
  const child: ChildProcess = spawn('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
  }
  // The app prints "ACCEPT [::]:PORT PID=…" once it listens (apps/lib/http_server.c).
  const listening = await waitFor(() => /^ACCEPT /m.test(out), () => child.exitCode !== null, 10_000)
  if (!listening) {
    await stop()
    throw new Error(`openssl cmp mock server did not start:\n${out}`)
  }
  return { url: `http://127.0.0.1:${port}/pkix/`, port, output: () => out, stop }
}

async function waitFor(ok: () => boolean, dead: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs
  while (!ok()) {
    if (dead() || Date.now() > until) return false
    await new Promise((r) => setTimeout(r, 20))
  }
  return true
}
