// Issue 15, item 4, as a script sees it: `ukey renew --json` run as a process
// against the lab token on SoftHSM2, made to fail by a real component for every
// RENEWAL_* code (src/errors.ts; the in-process table in
// test/integration/renew-failure-documents.test.ts drives the fake token).
// The faults: the lab CMP server refusing, misissuing, restarting, failing on
// the confirmation or keeping ukey waiting; a profile naming another CA; a
// closed port; tinyproxy refusing, a closed proxy port; a folder where the
// journal file goes and a file where its folder goes; SIGINT while the bank
// says "waiting"; a second `ukey renew` meanwhile; pkcs11-tool deleting the new
// private key behind ukey's back, or adding a second bank certificate or an SM2
// one; the key restored from a backup after its renewal. No code needs a fake.
// Each document must validate against docs/schema/renew.schema.json, carry the
// exit code and the error code, name the key, the certificate, the server and
// the journal exactly when ukey had them when it stopped, and say what to do
// next. Only top-level fields are asserted: the objects' inner shape is the JSON
// vocabulary's business (issue 15 item 2).

import { execFileSync, spawn } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLabCa, issueCertificate } from '../../src/lab/ca.js'
import { listenCmp } from '../../src/lab/cmp-http.js'
import { createLabCmpServer, type LabCmpServerOptions } from '../../src/lab/cmp-server.js'
import { spkiOf } from '../../src/renewal/cmp/signer.js'
import { collect, isolatedEnv, ROOT, ukey, type RunResult } from '../helpers/cli.js'
import { labWithServer, stopLabServers, type LabWithServer } from '../helpers/lab-server.js'
import { derToPem, freePort, softwareKey, startMockServer } from '../helpers/openssl-cmp.js'
import { schemaErrors } from '../helpers/schemas.js'
import { startTinyproxy, stopTinyproxies } from '../helpers/tinyproxy.js'

const PIN = 'Fd-66120-r'
const MODULE = '/usr/lib/softhsm/libsofthsm2.so'

let root: string
let n = 0
/** The lab most cases share: every failure there rolls back, so the next case finds the old credential alone. */
let shared: LabWithServer
const closers: Array<() => Promise<void>> = []

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ukey-renew-docs-cli-'))
  shared = await makeLab()
})
afterAll(async () => {
  for (const close of closers.splice(0)) await close()
  await stopTinyproxies()
  await stopLabServers()
})

function makeLab(opts: { waiting?: number; expiresIn?: number } = {}): Promise<LabWithServer> {
  return labWithServer(join(root, `lab-${n++}`), { pin: PIN, ...opts })
}

const args = (lab: LabWithServer, url: string): string[] => ['renew', '--lab', '--lab-dir', lab.dir, '--server', url, '--yes', '--json', '--lang', 'en']

function renewJson(lab: LabWithServer, url = lab.url, env: Record<string, string> = {}): Promise<RunResult> {
  return ukey(args(lab, url), { env: { UKEY_PIN: PIN, ...env } })
}

/** The lab CA serving CMP in this process, with options of its own (records, "waiting"). */
function labCmp(lab: LabWithServer, more: Partial<LabCmpServerOptions> = {}): ReturnType<typeof createLabCmpServer> {
  return createLabCmpServer({
    ca: { certPem: readFileSync(lab.state.ca.cert, 'utf8'), keyPem: readFileSync(lab.state.ca.key, 'utf8') },
    policy: { renewBeforeDays: 30, graceAfterDays: 90 },
    stateFile: join(lab.dir, 'renewals.json'),
    log: (e) => lab.log.push(`${e.kind} → ${e.outcome}`),
    ...more,
  })
}

/** A CMP endpoint on 127.0.0.1 answering with `handle` (a lab server's, or one wrapped around it); closed after the file. */
async function serving(handle: (der: Buffer) => Promise<Buffer>): Promise<string> {
  const http = await listenCmp(handle, { host: '127.0.0.1', port: 0 })
  closers.push(() => http.close())
  return `http://127.0.0.1:${http.port}/pkix/`
}

/** Polls `test` (bounded: 15 s) for a moment another component reports, such as a line in the server's log. */
async function until(test: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600 && !test(); i++) await new Promise((r) => setTimeout(r, 25))
  if (!test()) throw new Error(`never happened: ${what}`)
}

function pkcs11Tool(lab: LabWithServer, more: string[]): string {
  return execFileSync('pkcs11-tool', ['--module', MODULE, '--login', '--pin', PIN, ...more], {
    env: { ...process.env, SOFTHSM2_CONF: lab.state.conf },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  })
}

/** The CKA_IDs of one kind of object on the token, as pkcs11-tool lists them. */
function ids(lab: LabWithServer, type: 'cert' | 'privkey'): string[] {
  return [...pkcs11Tool(lab, ['-O', '--type', type]).matchAll(/^\s+ID:\s+([0-9a-f]+)/gm)].map((m) => m[1]!)
}

interface Known {
  token: boolean
  certificate: boolean
  server: boolean
  journal: boolean
}
const ALL: Known = { token: true, certificate: true, server: true, journal: true }

/**
 * The document's contract: the exit code, the code, valid against the schema, the
 * fields ukey knew non-null (and only those), a next action, no PIN anywhere.
 */
function failureDocument(r: RunResult, lab: LabWithServer, o: { code: string; exit: number; known: Known; server?: string }): Record<string, unknown> {
  expect(r.code, r.stderr).toBe(o.exit)
  const doc = JSON.parse(r.stdout) as Record<string, unknown>
  expect(schemaErrors('renew', doc)).toEqual([])
  expect(doc).toMatchObject({ outcome: 'failed', exitCode: o.exit, error: { code: o.code } })
  const known = { token: doc['token'] !== null, certificate: doc['certificate'] !== null, server: doc['server'] !== null, journal: doc['journal'] !== null }
  expect(known).toEqual(o.known)
  if (o.known.token) expect(JSON.stringify(doc['token'])).toContain(lab.state.token.serial)
  if (o.known.server) expect(doc['server']).toBe(o.server ?? lab.url)
  if (o.known.journal) expect(String(doc['journal'])).toContain(join(lab.dir, 'journal'))
  const error = doc['error'] as { actions: string[] }
  expect(error.actions.length, 'a next action').toBeGreaterThan(0)
  expect(r.stdout + r.stderr).not.toContain(PIN)
  return doc
}

/** Puts a certificate (DER) on the lab token under `id` with pkcs11-tool, beside the lab's own; `remove` takes it off again. */
function writeCertificate(lab: LabWithServer, id: string, der: Buffer): { remove(): void } {
  const file = join(root, `extra-${id}.der`)
  writeFileSync(file, der)
  pkcs11Tool(lab, ['--write-object', file, '--type', 'cert', '--id', id, '--label', 'extra'])
  return { remove: () => void pkcs11Tool(lab, ['--delete-object', '--type', 'cert', '--id', id]) }
}

/** After a rolled-back failure: the old certificate and key alone on the token, as before the run. */
function untouched(lab: LabWithServer): void {
  expect(ids(lab, 'cert')).toEqual([lab.state.certificate.id])
  expect(ids(lab, 'privkey')).toEqual([lab.state.certificate.id])
}

describe('renew --json failure documents from real failures (issue 15)', () => {
  it('RENEWAL_REFUSED: the lab server has this certificate\'s renewal on record (0116): exit 30, the new key rolled back', async () => {
    const records = join(shared.dir, 'refusing-renewals.json')
    writeFileSync(records, JSON.stringify({
      schemaVersion: 1, kind: 'ukey.lab-renewals', renewals: { [shared.state.certificate.serial.replace(/^(00)+(?=.)/, '')]: { renewedAt: new Date().toISOString(), newSerial: 'ab' } },
    }))
    const refusing = labCmp(shared, { stateFile: records })
    const url = await serving((der) => refusing.handle(der))
    const r = await renewJson(shared, url)
    const doc = failureDocument(r, shared, { code: 'RENEWAL_REFUSED', exit: 30, known: ALL, server: url })
    expect((doc['error'] as { actions: string[] }).actions.join(' ')).toContain('ukey diagnose 0116')
    untouched(shared)
  })

  it('RENEWAL_REFUSED by OpenSSL\'s CMP server (`openssl cmp -port`, trusting another CA: "no suitable sender cert"): exit 30, the 403.7 hint', async () => {
    // The mock signs with a certificate from the lab CA (ukey believes its answers) but accepts requests only from a stranger CA's customers.
    const ca = { certPem: readFileSync(shared.state.ca.cert, 'utf8'), keyPem: readFileSync(shared.state.ca.key, 'utf8') }
    const srvKey = softwareKey('ec')
    const srvDer = await issueCertificate(ca, {
      spki: spkiOf(srvKey),
      subject: 'C=CN,O=ukey lab,CN=openssl cmp mock',
      serialHex: '5e01',
      notBefore: new Date(Date.now() - 86_400_000),
      notAfter: new Date(Date.now() + 30 * 86_400_000),
    })
    const dir = mkdtempSync(join(root, 'mock-'))
    const file = (name: string): string => join(dir, name)
    writeFileSync(file('srv.crt'), derToPem(srvDer))
    writeFileSync(file('srv.key'), srvKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 })
    writeFileSync(file('ca.crt'), (await createLabCa(new Date())).certPem) // -srv_trusted: not the lab's
    writeFileSync(file('renewed.crt'), derToPem(srvDer)) // never sent: the request is refused first
    const mock = await startMockServer({ file })
    closers.push(() => mock.stop())
    const r = await renewJson(shared, mock.url)
    const doc = failureDocument(r, shared, { code: 'RENEWAL_REFUSED', exit: 30, known: ALL, server: mock.url })
    expect((doc['error'] as { actions: string[] }).actions.join(' ')).toContain('ukey diagnose 403.7')
    expect(mock.output()).toMatch(/no suitable sender cert/i)
    untouched(shared)
  })

  it('RENEWAL_PROXY_REFUSED: tinyproxy denies this client (Allow 192.0.2.1): exit 31, the new key rolled back', async () => {
    const denying = await startTinyproxy(['Allow 192.0.2.1'])
    const r = await renewJson(shared, shared.url, { HTTP_PROXY: denying.url })
    failureDocument(r, shared, { code: 'RENEWAL_PROXY_REFUSED', exit: 31, known: ALL })
    untouched(shared)
  })

  it('RENEWAL_PROXY_UNREACHABLE: HTTP_PROXY on a closed port: exit 31, the proxy\'s password nowhere', async () => {
    const port = await freePort()
    const r = await renewJson(shared, shared.url, { HTTP_PROXY: `http://teller:Pr0xy-s3cret@127.0.0.1:${port}` })
    failureDocument(r, shared, { code: 'RENEWAL_PROXY_UNREACHABLE', exit: 31, known: ALL })
    expect(r.stdout).not.toMatch(/teller|Pr0xy-s3cret/)
    untouched(shared)
  })

  it('RENEWAL_TRANSACTION_LOST: the server restarts while ukey waits and forgets the request: exit 31, rolled back', async () => {
    // One address; the server "restarts" right after answering the key update "waiting": a fresh
    // server (open transactions gone, renewals.json kept) answers ukey's pollReq.
    let current = labCmp(shared, { waitingCount: 50 })
    const url = await serving(async (der) => {
      const answer = await current.handle(der)
      if (shared.log.at(-1) === 'kur → waiting') current = labCmp(shared)
      return answer
    })
    const before = shared.log.length
    const r = await renewJson(shared, url)
    failureDocument(r, shared, { code: 'RENEWAL_TRANSACTION_LOST', exit: 31, known: ALL, server: url })
    expect(shared.log.slice(before)).toEqual(['kur → waiting', 'pollReq → rejected: unknown transaction'])
    untouched(shared)
  })

  it('RENEWAL_JOURNAL_UNWRITABLE: a folder where the journal file goes (the key read, nothing changed): exit 31', async () => {
    // Running as root (CI, containers), a read-only folder would not stop the write: a folder in the file's place does, for any user.
    // A lab of its own: on the shared one, earlier cases' closed journals sit at that path.
    const lab = await makeLab()
    const journalFile = join(lab.dir, 'journal', `${lab.state.token.serial}-${lab.state.certificate.serial.replace(/^(00)+(?=.)/, '')}.json`)
    mkdirSync(journalFile, { recursive: true })
    const r = await renewJson(lab)
    // The journal could not be written, so there is none to name: the message names the path.
    failureDocument(r, lab, { code: 'RENEWAL_JOURNAL_UNWRITABLE', exit: 31, known: { ...ALL, journal: false } })
    expect(JSON.parse(r.stdout).error.message).toContain(journalFile)
    untouched(lab)
  })

  it('RENEWAL_JOURNAL_UNWRITABLE: a file where the journal folder goes (stopped before the key is opened): exit 31, only the key named', async () => {
    const lab = await makeLab()
    writeFileSync(join(lab.dir, 'journal'), 'not a folder')
    const r = await renewJson(lab)
    // The lock is taken (in the journal folder) before the session is opened: the certificate was not read yet.
    failureDocument(r, lab, { code: 'RENEWAL_JOURNAL_UNWRITABLE', exit: 31, known: { token: true, certificate: false, server: false, journal: false } })
    untouched(lab)
  })

  it('RENEWAL_NEW_KEY_UNUSABLE: pkcs11-tool deletes the new private key while the key update is in flight: exit 31, the new certificate removed', async () => {
    // A new key that cannot sign once its certificate is stored. On SoftHSM2 the real way there is
    // another program removing it: pkcs11-tool does, while ukey waits for the bank's answer
    // (before the server handles the request, so the moment is fixed, not raced).
    const serve = labCmp(shared)
    const url = await serving((der) => {
      const fresh = ids(shared, 'privkey').filter((id) => id !== shared.state.certificate.id)
      for (const id of fresh) pkcs11Tool(shared, ['--delete-object', '--type', 'privkey', '--id', id])
      return serve.handle(der)
    })
    const before = shared.log.length
    const r = await renewJson(shared, url)
    failureDocument(r, shared, { code: 'RENEWAL_NEW_KEY_UNUSABLE', exit: 31, known: ALL, server: url })
    // The bank issued; the certificate was stored, found unusable and removed: the old credential alone.
    expect(shared.log.slice(before)).toEqual(['kur → kup accepted'])
    untouched(shared)
  })

  it('RENEWAL_INTERRUPTED: SIGINT while the bank says "waiting": exit 31, the journal named and kept; then RENEWAL_ALREADY_DONE once the key is restored from a backup', async () => {
    const lab = await makeLab({ waiting: 50 })
    // The key's store before the renewal: what a "restored backup" puts back.
    const tokens = join(lab.dir, 'tokens')
    const backup = join(root, `tokens-backup-${n}`)
    cpSync(tokens, backup, { recursive: true })
    const child = spawn(process.execPath, [join(ROOT, 'bin/run.js'), ...args(lab, lab.url)], { cwd: ROOT, env: isolatedEnv({ UKEY_PIN: PIN }), stdio: ['ignore', 'pipe', 'pipe'] })
    const done = collect(child)
    await until(() => lab.log.includes('pollReq → pollRep'), 'a first poll answered')
    child.kill('SIGINT')
    const r = await done
    const doc = failureDocument(r, lab, { code: 'RENEWAL_INTERRUPTED', exit: 31, known: ALL })
    // A new key pair was made: the signal's own "cancelled: nothing was changed" must not be said.
    expect(r.stderr).not.toContain('nothing was changed')
    const status = JSON.parse((await ukey(['renew', '--status', '--lab', '--lab-dir', lab.dir, '--json'])).stdout) as { pending: Array<{ file: string }> }
    expect(status.pending.map((p) => p.file)).toEqual([doc['journal']])

    // The bank answers at once again: the rerun finishes the renewal (journal done), then the old key comes back from the backup.
    await lab.server.close()
    const again = labCmp(lab)
    const url = await serving((der) => again.handle(der))
    const finished = await renewJson(lab, url)
    expect(finished.code, finished.stdout).toBe(0)
    rmSync(tokens, { recursive: true })
    cpSync(backup, tokens, { recursive: true })
    untouched(lab)
    const restored = await renewJson(lab, url)
    const already = failureDocument(restored, lab, { code: 'RENEWAL_ALREADY_DONE', exit: 30, known: ALL, server: url })
    expect(already['journal']).toBe(doc['journal'])
  })
  it('RENEWAL_INTERRUPTED: a renewal left open, and its old certificate deleted from the key since: exit 31, the journal named, no certificate to name', async () => {
    const lab = await makeLab({ waiting: 50 })
    const child = spawn(process.execPath, [join(ROOT, 'bin/run.js'), ...args(lab, lab.url)], { cwd: ROOT, env: isolatedEnv({ UKEY_PIN: PIN }), stdio: ['ignore', 'pipe', 'pipe'] })
    const done = collect(child)
    await until(() => lab.log.includes('kur → waiting'), 'the key update answered "waiting"')
    child.kill('SIGINT')
    const first = JSON.parse((await done).stdout) as Record<string, unknown>
    // Someone (another tool, the bank's own middleware) removes the old certificate before the rerun: ukey will not guess.
    pkcs11Tool(lab, ['--delete-object', '--type', 'cert', '--id', lab.state.certificate.id])
    const r = await renewJson(lab)
    const doc = failureDocument(r, lab, { code: 'RENEWAL_INTERRUPTED', exit: 31, known: { token: true, certificate: false, server: false, journal: true } })
    expect(doc['journal']).toBe(first['journal'])
    expect((doc['error'] as { actions: string[] }).actions.join(' ')).toContain('ukey diagnose 9002')
  })

  it('RENEWAL_INTERRUPTED: the server fails (HTTP 500) on the confirmation after issuing: exit 31, the journal kept, the new credential stored beside the old', async () => {
    const lab = await makeLab()
    const serve = labCmp(lab)
    let messages = 0
    // The key update is answered; the certConf that follows meets a server error (it crashed after issuing).
    const url = await serving((der) => (++messages === 1 ? serve.handle(der) : Promise.reject(new Error('crashed'))))
    const doc = failureDocument(await renewJson(lab, url), lab, { code: 'RENEWAL_INTERRUPTED', exit: 31, known: ALL, server: url })
    const status = JSON.parse((await ukey(['renew', '--status', '--lab', '--lab-dir', lab.dir, '--json'])).stdout) as { pending: Array<{ file: string; lastCompleted: string }> }
    expect(status.pending).toEqual([expect.objectContaining({ file: doc['journal'], lastCompleted: 'certificate-stored' })])
    expect(ids(lab, 'cert')).toHaveLength(2)
    expect(ids(lab, 'cert')).toContain(lab.state.certificate.id)
  })
})

describe('renew --json failure documents through the command, for the codes the in-process table covers (issue 15)', () => {
  it('RENEWAL_OUTSIDE_WINDOW: a certificate lapsed 100 days ago, refused before the server: exit 30, no journal', async () => {
    const lab = await makeLab({ expiresIn: -100 })
    const r = await renewJson(lab)
    failureDocument(r, lab, { code: 'RENEWAL_OUTSIDE_WINDOW', exit: 30, known: { ...ALL, journal: false } })
    expect(lab.log).toEqual([])
    untouched(lab)
  })

  it('RENEWAL_BAD_CERTIFICATE: the lab server issues for another key: exit 30, the new key rolled back', async () => {
    const misissuing = labCmp(shared, { stateFile: join(shared.dir, 'misissue.json'), misissue: 'other-key' })
    const url = await serving((der) => misissuing.handle(der))
    failureDocument(await renewJson(shared, url), shared, { code: 'RENEWAL_BAD_CERTIFICATE', exit: 30, known: ALL, server: url })
    untouched(shared)
  })

  it('RENEWAL_SERVER_UNTRUSTED: the profile names another CA than the one signing the server\'s answers: exit 30, rolled back', async () => {
    // The server is the lab's (it issues); the profile's renewal.caCerts is a stranger's CA, so the issued answer is not believed.
    const other = await createLabCa(new Date())
    const otherFile = join(root, 'other-ca.crt')
    writeFileSync(otherFile, other.certPem)
    const file = join(shared.dir, 'profile.json')
    const original = readFileSync(file, 'utf8')
    const profile = JSON.parse(original) as { renewal: Record<string, unknown> }
    writeFileSync(file, JSON.stringify({ ...profile, renewal: { ...profile.renewal, caCerts: [otherFile] } }))
    try {
      failureDocument(await renewJson(shared), shared, { code: 'RENEWAL_SERVER_UNTRUSTED', exit: 30, known: ALL })
    } finally {
      writeFileSync(file, original)
    }
    untouched(shared)
  })

  it('RENEWAL_UNAVAILABLE: nothing listens at the server\'s address: exit 31, rolled back', async () => {
    const url = `http://127.0.0.1:${await freePort()}/pkix/`
    failureDocument(await renewJson(shared, url), shared, { code: 'RENEWAL_UNAVAILABLE', exit: 31, known: ALL, server: url })
    untouched(shared)
  })

  it('RENEWAL_KEYGEN_FAILED: an SM2 (国密) certificate, which SoftHSM2 cannot make a key for: exit 31, nothing changed', async () => {
    const pem = readFileSync(join(ROOT, 'test/fixtures/certs/sm2.pem'), 'utf8')
    const sm2 = writeCertificate(shared, '5e02', Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'))
    try {
      const r = await ukey([...args(shared, shared.url), '--id', '5e02'], { env: { UKEY_PIN: PIN } })
      failureDocument(r, shared, { code: 'RENEWAL_KEYGEN_FAILED', exit: 31, known: { ...ALL, journal: false } })
    } finally {
      sm2.remove()
    }
    untouched(shared)
  })

  it('RENEWAL_NEEDS_CONFIRMATION: no --yes and no terminal to ask on: exit 2, the plan named, nothing changed', async () => {
    const r = await ukey(args(shared, shared.url).filter((a) => a !== '--yes'), { env: { UKEY_PIN: PIN } })
    failureDocument(r, shared, { code: 'RENEWAL_NEEDS_CONFIRMATION', exit: 2, known: { ...ALL, journal: false } })
    untouched(shared)
  })

  it('RENEWAL_CERT_AMBIGUOUS: a second certificate from the bank CA on the key: exit 2, the key named, no certificate chosen', async () => {
    const ca = { certPem: readFileSync(shared.state.ca.cert, 'utf8'), keyPem: readFileSync(shared.state.ca.key, 'utf8') }
    const der = await issueCertificate(ca, {
      spki: spkiOf(softwareKey('ec')),
      subject: 'C=CN,O=ukey lab,CN=李四 (lab)',
      serialHex: '5e03',
      notBefore: new Date(Date.now() - 300 * 86_400_000),
      notAfter: new Date(Date.now() + 20 * 86_400_000),
    })
    const second = writeCertificate(shared, '5e03', der)
    try {
      const r = await renewJson(shared)
      failureDocument(r, shared, { code: 'RENEWAL_CERT_AMBIGUOUS', exit: 2, known: { token: true, certificate: false, server: false, journal: false } })
    } finally {
      second.remove()
    }
    untouched(shared)
  })

  it('RENEWAL_BUSY: a second `ukey renew` while the first waits for the bank: exit 31, the key named', async () => {
    const lab = await makeLab({ waiting: 50 })
    const first = spawn(process.execPath, [join(ROOT, 'bin/run.js'), ...args(lab, lab.url)], { cwd: ROOT, env: isolatedEnv({ UKEY_PIN: PIN }), stdio: ['ignore', 'pipe', 'pipe'] })
    const firstDone = collect(first)
    try {
      await until(() => lab.log.includes('kur → waiting'), 'the first renewal waiting for the bank')
      const r = await renewJson(lab)
      // The lock is taken before the session is opened: the certificate was not read yet.
      failureDocument(r, lab, { code: 'RENEWAL_BUSY', exit: 31, known: { token: true, certificate: false, server: false, journal: false } })
    } finally {
      first.kill('SIGINT')
      expect((await firstDone).code).toBe(31)
    }
  })

  it('RENEWAL_NOT_CONFIGURED: a bank profile without a renewal server: exit 3, stopped before looking at any key', async () => {
    const profile = JSON.parse(readFileSync(join(shared.dir, 'profile.json'), 'utf8')) as Record<string, unknown>
    delete profile['renewal']
    const file = join(root, 'no-renewal.json')
    writeFileSync(file, JSON.stringify(profile))
    const r = await ukey(['renew', '--profile', file, '--yes', '--json', '--lang', 'en'], { env: { UKEY_PIN: PIN } })
    failureDocument(r, shared, { code: 'RENEWAL_NOT_CONFIGURED', exit: 3, known: { token: false, certificate: false, server: false, journal: false } })
    untouched(shared)
  })
})
