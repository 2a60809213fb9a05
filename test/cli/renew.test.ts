// `ukey renew` end to end, as a user runs it: the built CLI in a child process,
// the lab token on SoftHSM2, the lab CA as a CMP server on 127.0.0.1. The
// witnesses are other tools: pkcs11-tool lists the token's objects and signs
// with the old key, openssl verifies the new certificate's chain. The fault
// matrix kills the process (SIGKILL) right after each journalled step.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes, verify as cryptoVerify, X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listenCmp } from '../../src/lab/cmp-http.js'
import { createLabCmpServer } from '../../src/lab/cmp-server.js'
import { RENEWAL_STEPS } from '../../src/renewal/journal.js'
import { collect, isolatedEnv, ROOT, ukey, type RunResult } from '../helpers/cli.js'
import { schemaErrors } from '../helpers/schemas.js'
import { labWithServer, stopLabServers, type LabWithServer } from '../helpers/lab-server.js'

const PIN = 'Wx-58213-q'
const MODULE = '/usr/lib/softhsm/libsofthsm2.so'

let root: string
let n = 0

type Lab = LabWithServer

function makeLab(expiresIn = 20): Promise<Lab> {
  return labWithServer(join(root, `lab-${n++}`), { pin: PIN, expiresIn })
}

function renew(lab: Lab, args: string[] = [], env: Record<string, string> = {}): Promise<RunResult> {
  return ukey(['renew', '--lab', '--lab-dir', lab.dir, '--server', lab.url, ...args], { env: { UKEY_PIN: PIN, ...env } })
}

interface TokenObjects {
  certificates: string[]
  privateKeys: string[]
  publicKeys: string[]
}

/** What pkcs11-tool sees on the token after login: object kinds and their CKA_IDs. */
function objects(lab: Lab): TokenObjects {
  const out = execFileSync('pkcs11-tool', ['--module', MODULE, '--login', '--pin', PIN, '-O'], {
    env: { ...process.env, SOFTHSM2_CONF: lab.state.conf },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  const o: TokenObjects = { certificates: [], privateKeys: [], publicKeys: [] }
  let kind: keyof TokenObjects | undefined
  for (const line of out.split('\n')) {
    if (/^Certificate Object/.test(line)) kind = 'certificates'
    else if (/^Private Key Object/.test(line)) kind = 'privateKeys'
    else if (/^Public Key Object/.test(line)) kind = 'publicKeys'
    const id = /^\s+ID:\s+([0-9a-f]+)/.exec(line)
    if (id && kind) o[kind].push(id[1]!)
  }
  return o
}

/** The certificate stored under `id`, read back with pkcs11-tool. */
function certificateOn(lab: Lab, id: string): X509Certificate {
  const file = join(root, `cert-${randomBytes(4).toString('hex')}.der`)
  execFileSync('pkcs11-tool', ['--module', MODULE, '--read-object', '--type', 'cert', '--id', id, '-o', file], {
    env: { ...process.env, SOFTHSM2_CONF: lab.state.conf },
    stdio: 'ignore',
  })
  return new X509Certificate(readFileSync(file))
}

/** The witness: pkcs11-tool signs with the key `id`; the signature verifies with the certificate stored beside it. */
function signs(lab: Lab, id: string): boolean {
  const data = join(root, `data-${randomBytes(4).toString('hex')}`)
  const sig = `${data}.sig`
  writeFileSync(data, randomBytes(64))
  try {
    execFileSync('pkcs11-tool', ['--module', MODULE, '--login', '--pin', PIN, '--sign', '--id', id, '-m', 'SHA256-RSA-PKCS', '-i', data, '-o', sig], {
      env: { ...process.env, SOFTHSM2_CONF: lab.state.conf },
      stdio: 'ignore',
    })
  } catch {
    return false
  }
  return cryptoVerify('sha256', readFileSync(data), certificateOn(lab, id).publicKey, readFileSync(sig))
}

/** Renewed exactly once: one key pair and one certificate, not the old ones, chaining to the lab CA. */
function assertRenewed(lab: Lab): X509Certificate {
  const o = objects(lab)
  expect(o.certificates).toHaveLength(1)
  expect(o.privateKeys).toEqual(o.certificates)
  expect(o.publicKeys).toEqual(o.certificates)
  expect(o.certificates[0]).not.toBe(lab.state.certificate.id)
  const cert = certificateOn(lab, o.certificates[0]!)
  const pem = join(root, `new-${randomBytes(4).toString('hex')}.pem`)
  writeFileSync(pem, cert.toString())
  expect(execFileSync('openssl', ['verify', '-CAfile', lab.state.ca.cert, pem], { encoding: 'utf8' })).toContain(': OK')
  expect(signs(lab, o.certificates[0]!)).toBe(true)
  const record = JSON.parse(readFileSync(join(lab.dir, 'renewals.json'), 'utf8')) as { renewals: Record<string, { newSerial: string }> }
  expect(record.renewals[lab.state.certificate.serial.replace(/^(00)+(?=.)/, '')]?.newSerial).toBe(cert.serialNumber.toLowerCase().replace(/^(00)+(?=.)/, ''))
  return cert
}

function everythingSaid(lab: Lab, results: RunResult[]): string {
  const journals = (() => {
    try {
      return readdirSync(join(lab.dir, 'journal')).map((f) => readFileSync(join(lab.dir, 'journal', f), 'utf8')).join('\n')
    } catch {
      return ''
    }
  })()
  return results.map((r) => r.stdout + r.stderr).join('\n') + journals + lab.log.join('\n')
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ukey-renew-cli-'))
})
afterAll(stopLabServers)

describe('ukey renew on the lab (SoftHSM2 + the lab CMP server)', () => {
  it('renews: one key pair and the new certificate on the token, chaining to the lab CA, recorded by the server; --json as documented', async () => {
    const lab = await makeLab(20)
    const oldSubject = certificateOn(lab, lab.state.certificate.id).subject
    const r = await renew(lab, ['--yes', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const doc = JSON.parse(r.stdout) as Record<string, unknown>
    expect(schemaErrors('renew', doc)).toEqual([])
    expect(doc['outcome']).toBe('renewed')
    expect((doc['steps'] as Array<{ step: string }>).map((s) => s.step)).toEqual([...RENEWAL_STEPS])
    const cert = assertRenewed(lab)
    expect(cert.subject).toBe(oldSubject)
    expect((doc['newCertificate'] as { serial: string }).serial).toBe(cert.serialNumber.toLowerCase().replace(/^(00)+(?=.)/, ''))
    expect(doc).toMatchObject({ schemaVersion: 2, kind: 'ukey.renew', lab: true, newKey: { algorithm: 'RSA', size: 2048 }, token: { serial: lab.state.token.serial, label: 'ukey-lab' } })
    // The old certificate under its own id, the new one under the new key's; the new window is far from open.
    expect(doc['certificate']).toMatchObject({ id: lab.state.certificate.id, serial: lab.state.certificate.serial.replace(/^(00)+(?=.)/, ''), window: { state: 'renewable' } })
    expect(doc['newCertificate']).toMatchObject({ subject: (doc['certificate'] as { subject: object }).subject, window: { state: 'valid', daysSinceExpiry: null } })
    expect(lab.log).toEqual(['kur → kup accepted', 'certConf → pkiConf (renewal recorded)'])
    // show-cert --token now shows the new certificate.
    const shown = await ukey(['show-cert', '--lab', '--lab-dir', lab.dir, '--json'])
    const shownCert = JSON.parse(shown.stdout).certificates[0].certificate
    expect(shownCert.serial).toBe(cert.serialNumber.toLowerCase().replace(/^(00)+(?=.)/, ''))
    // The same certificate object as renew's newCertificate (without the key id renew adds).
    const { id: newId, ...issued } = doc['newCertificate'] as { id: string }
    expect(newId).toMatch(/^[0-9a-f]+$/)
    expect(shownCert).toEqual(issued)
    // A second renewal: the certificate on the key is the new one, far from its window: 0116, locally.
    const again = await renew(lab, ['--yes', '--lang', 'en'])
    expect(again.code).toBe(30)
    expect(again.stderr).toContain('0116')
    expect(lab.log).toHaveLength(2)
    expect(everythingSaid(lab, [r, shown, again])).not.toContain(PIN)
  })

  it('human output in Chinese and English: each step ticked, the result; without --yes and without a terminal: exit 2, nothing changed', async () => {
    const lab = await makeLab(15)
    const refused = await renew(lab, ['--lang', 'zh-CN'])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('--yes')
    expect(objects(lab).certificates).toEqual([lab.state.certificate.id])
    const zh = await renew(lab, ['--yes', '--lang', 'zh-CN'])
    expect(zh.code, zh.stderr).toBe(0)
    expect(zh.stderr).toContain('✓ 在网银盾内生成新密钥对')
    expect(zh.stderr).toContain('✓ 删除旧密钥对和旧证书')
    expect(zh.stdout).toContain('换证完成')
    const lab2 = await makeLab(15)
    const en = await renew(lab2, ['--yes', '--lang', 'en'])
    expect(en.code, en.stderr).toBe(0)
    expect(en.stderr).toContain('✓ Generate the new key pair on the USB key')
    expect(en.stdout).toMatch(/^Renewed\. New certificate: serial [0-9a-f]+/)
  })

  it('--dry-run changes nothing and checks the server; a server that is down fails the dry run (exit 31)', async () => {
    const lab = await makeLab(10)
    const ok = await renew(lab, ['--dry-run', '--json'])
    expect(ok.code, ok.stderr).toBe(0)
    const doc = JSON.parse(ok.stdout)
    expect(schemaErrors('renew', doc)).toEqual([])
    expect(doc.outcome).toBe('dry-run')
    expect(doc.ready).toBe(true)
    expect(doc.checks.map((c: { name: string }) => c.name)).toEqual(['token', 'window', 'pin', 'key', 'server'])
    // RFC 9483 4.3.1 Get CA certificates, answered and signed: nothing the bank would log as a refused (forged) request.
    expect(lab.log).toEqual(['genm → genp caCerts'])
    await lab.server.close()
    const down = await renew(lab, ['--dry-run', '--lang', 'en'])
    expect(down.code).toBe(31)
    expect(down.stdout).toMatch(/✗ bank's renewal server reachable and trusted/)
    expect(objects(lab).certificates).toEqual([lab.state.certificate.id])
    expect(readdirSync(lab.dir)).not.toContain('journal')
  })

  it('window: grace renews; lapsed and too early are refused before contacting the server (0116, counter advice)', async () => {
    const grace = await makeLab(-10)
    const g = await renew(grace, ['--yes'])
    expect(g.code, g.stderr).toBe(0)
    assertRenewed(grace)
    for (const [days, needle] of [[-100, 'counter'], [90, '0116']] as const) {
      const lab = await makeLab(days)
      const r = await renew(lab, ['--yes', '--lang', 'en'])
      expect(r.code).toBe(30)
      expect(r.stderr).toContain('0116')
      expect(r.stderr).toContain(needle)
      expect(r.stderr).toContain('ukey diagnose 0116')
      expect(lab.log).toEqual([])
      expect(objects(lab).certificates).toEqual([lab.state.certificate.id])
      // Scripts get the refusal as a document too.
      const j = await renew(lab, ['--yes', '--json'])
      expect(j.code).toBe(30)
      const doc = JSON.parse(j.stdout)
      expect(schemaErrors('renew', doc)).toEqual([])
      expect(doc).toMatchObject({ outcome: 'failed', exitCode: 30, error: { code: 'RENEWAL_OUTSIDE_WINDOW' } })
      expect(doc.error.actions.join(' ')).toContain('ukey diagnose 0116')
    }
  })

  it('the server refusing (the renewal already recorded for this certificate): 30 with 0116, the key unchanged', async () => {
    const lab = await makeLab(12)
    writeFileSync(join(lab.dir, 'renewals.json'), JSON.stringify({
      schemaVersion: 1, kind: 'ukey.lab-renewals', renewals: { [lab.state.certificate.serial.replace(/^(00)+(?=.)/, '')]: { renewedAt: new Date().toISOString(), newSerial: 'ab' } },
    }))
    await lab.server.close()
    const again = await createLabCmpServer({
      ca: { certPem: readFileSync(lab.state.ca.cert, 'utf8'), keyPem: readFileSync(lab.state.ca.key, 'utf8') },
      policy: { renewBeforeDays: 30, graceAfterDays: 90 },
      stateFile: join(lab.dir, 'renewals.json'),
    }).listen('127.0.0.1', 0)
    const r = await ukey(['renew', '--lab', '--lab-dir', lab.dir, '--server', `http://127.0.0.1:${again.port}/pkix/`, '--yes', '--lang', 'zh-CN'], { env: { UKEY_PIN: PIN } })
    await again.close()
    expect(r.code).toBe(30)
    expect(r.stderr).toContain('0116')
    expect(r.stderr).toContain('ukey diagnose 0116')
    const o = objects(lab)
    expect(o.certificates).toEqual([lab.state.certificate.id])
    expect(o.privateKeys).toEqual([lab.state.certificate.id])
    expect(signs(lab, lab.state.certificate.id)).toBe(true)
  })

  it('the bank answers "waiting": each wait is told (plain lines without a terminal), then the renewal completes', async () => {
    const lab = await labWithServer(join(root, `lab-${n++}`), { pin: PIN, waiting: 2 })
    const r = await renew(lab, ['--yes', '--lang', 'en'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain('the bank is processing the request: asking again in 1 s (poll 1)')
    expect(r.stderr).toContain('(poll 2)')
    expect(lab.log.filter((l) => l.startsWith('pollReq'))).toHaveLength(2)
    assertRenewed(lab)
  })

  it('a bank profile without a renewal server: RENEWAL_NOT_CONFIGURED (exit 3), named in both languages', async () => {
    const lab = await makeLab(12)
    const profile = JSON.parse(readFileSync(join(lab.dir, 'profile.json'), 'utf8')) as Record<string, unknown>
    delete profile['renewal']
    const file = join(lab.dir, 'no-renewal.json')
    writeFileSync(file, JSON.stringify(profile))
    const en = await ukey(['renew', '--profile', file, '--yes', '--lang', 'en'], { env: { UKEY_PIN: PIN } })
    expect(en.code).toBe(3)
    expect(en.stderr).toContain('no renewal server in the bank profile')
    expect(en.stderr).toContain(file)
    const zh = await ukey(['renew', '--profile', file, '--yes', '--lang', 'zh-CN'], { env: { UKEY_PIN: PIN } })
    expect(zh.stderr).toContain('没有银行换证服务器')
    expect(objects(lab).certificates).toEqual([lab.state.certificate.id])
  })

  it('a wrong PIN is refused by the token: exit 3, nothing generated, the PIN nowhere', async () => {
    const lab = await makeLab(12)
    const r = await renew(lab, ['--yes', '--pin-stdin'], { UKEY_PIN: '' })
    expect(r.code).toBe(3)
    const wrong = await ukey(['renew', '--lab', '--lab-dir', lab.dir, '--server', lab.url, '--yes', '--pin-stdin'], { stdin: 'Bad-PIN-7781\n' })
    expect(wrong.code).toBe(3)
    expect(wrong.stderr + wrong.stdout).not.toContain('Bad-PIN-7781')
    expect(objects(lab).privateKeys).toEqual([lab.state.certificate.id])
    const status = await ukey(['renew', '--status', '--lab', '--lab-dir', lab.dir])
    expect(status.code).toBe(0)
  })
})

/**
 * Where the fault matrix kills: after each journalled step's end, and after each
 * single object removal of the old credential (certificate → private key → public key).
 */
const CRASH_POINTS = [
  ...RENEWAL_STEPS.map((step) => ({ point: step as string, lastCompleted: step as string })),
  ...['certificate', 'private-key', 'public-key'].map((kind) => ({ point: `old-removed:${kind}`, lastCompleted: 'confirmed' })),
]

describe('ukey renew: killed (SIGKILL) after each journalled step and between the single removals', () => {
  for (const { point, lastCompleted } of CRASH_POINTS) {
    it(`after "${point}": a working credential stays, --status shows the renewal, a rerun leaves exactly the new pair and certificate`, async () => {
      const lab = await makeLab(20)
      const killed = await renew(lab, ['--yes'], { UKEY_TEST_CRASH_AFTER: point })
      expect(killed.code).toBe(-1) // killed by a signal
      const o = objects(lab)
      const oldId = lab.state.certificate.id
      if (point.startsWith('old-removed')) {
        // The new credential is complete and works; of the old one, what the removal had not reached yet.
        const newId = o.certificates.find((id) => id !== oldId)!
        expect(signs(lab, newId)).toBe(true)
        const removed = point === 'old-removed' ? 3 : ['certificate', 'private-key', 'public-key'].indexOf(point.split(':')[1]!) + 1
        expect([o.certificates.includes(oldId), o.privateKeys.includes(oldId), o.publicKeys.includes(oldId)]).toEqual([removed < 1, removed < 2, removed < 3])
      } else {
        expect(o.certificates).toContain(oldId)
        expect(signs(lab, oldId)).toBe(true)
      }
      const status = await ukey(['renew', '--status', '--lab', '--lab-dir', lab.dir, '--json'])
      expect(status.code).toBe(31)
      expect(schemaErrors('renew-status', JSON.parse(status.stdout))).toEqual([])
      const pending = JSON.parse(status.stdout).pending
      expect(pending).toHaveLength(1)
      expect(pending[0].lastCompleted).toBe(lastCompleted)
      const rerun = await renew(lab, ['--yes', '--lang', 'en'])
      expect(rerun.code, rerun.stderr).toBe(0)
      expect(rerun.stderr).toContain('unfinished renewal')
      assertRenewed(lab)
      const after = await ukey(['renew', '--status', '--lab', '--lab-dir', lab.dir])
      expect(after.code).toBe(0)
      expect(everythingSaid(lab, [killed, status, rerun, after])).not.toContain(PIN)
    })
  }
})

/** The built CLI as a long-running child, its stderr readable while it runs (for a signal at a chosen moment). */
function start(args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<RunResult>; stderrUntil(text: string): Promise<void>; stdoutUntil(re: RegExp): Promise<RegExpExecArray> } {
  const child = spawn(process.execPath, [join(ROOT, 'bin/run.js'), ...args], { cwd: ROOT, env: isolatedEnv(env), stdio: ['ignore', 'pipe', 'pipe'] })
  let err = ''
  let out = ''
  child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')))
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')))
  const done = collect(child)
  const until = <T>(test: () => T | null): Promise<T> => new Promise((resolve, reject) => {
    const check = (): boolean => {
      const hit = test()
      if (hit !== null) resolve(hit)
      return hit !== null
    }
    if (check()) return
    const onData = (): void => void (check() && off())
    const off = (): void => {
      child.stderr!.off('data', onData)
      child.stdout!.off('data', onData)
    }
    child.stderr!.on('data', onData)
    child.stdout!.on('data', onData)
    child.once('close', () => reject(new Error(`exited before the expected output; stderr: ${err}`)))
  })
  return {
    child,
    done,
    stderrUntil: (text) => until(() => (err.includes(text) ? true : null)).then(() => undefined),
    stdoutUntil: (re) => until(() => re.exec(out + err)),
  }
}

describe('ukey renew interrupted (Ctrl-C, SIGTERM, SIGHUP) while the bank says "waiting"', () => {
  it('`ukey lab serve --waiting 50`, SIGINT at the second wait (~2 s): exit 31 within 2 s, --status lists it, the old certificate still signs, a rerun renews', async () => {
    const lab = await makeLab(20)
    const serve = start(['lab', 'serve', '--dir', lab.dir, '--port', '0', '--waiting', '50'])
    try {
      const url = (await serve.stdoutUntil(/CMP server on (http:\/\/127\.0\.0\.1:\d+\/pkix\/)/))[1]!
      const run = start(['renew', '--lab', '--lab-dir', lab.dir, '--server', url, '--yes', '--lang', 'en'], { UKEY_PIN: PIN })
      await run.stderrUntil('(poll 2)')
      const t0 = performance.now()
      run.child.kill('SIGINT')
      const r = await run.done
      const took = performance.now() - t0
      console.log(`renew stopped ${Math.round(took)} ms after SIGINT (exit ${r.code})`)
      expect(r.code, r.stderr).toBe(31)
      expect(took).toBeLessThan(2000)
      expect(r.stderr).toContain('interrupted (SIGINT) at step "request-sent"; the old certificate still works. `ukey renew` continues it')
      const status = await ukey(['renew', '--status', '--lab', '--lab-dir', lab.dir, '--json'])
      expect(status.code).toBe(31)
      expect(JSON.parse(status.stdout).pending.map((p: { lastCompleted: string }) => p.lastCompleted)).toEqual(['key-generated'])
      expect(signs(lab, lab.state.certificate.id)).toBe(true)
      // The bank is answering again (no more waiting): the rerun continues with the key pair already generated.
      const rerun = await renew(lab, ['--yes', '--lang', 'en'])
      expect(rerun.code, rerun.stderr).toBe(0)
      expect(rerun.stderr).toContain('continuing after "Generate the new key pair on the USB key"')
      assertRenewed(lab)
      expect(everythingSaid(lab, [r, status, rerun])).not.toContain(PIN)
    } finally {
      serve.child.kill('SIGTERM')
      await serve.done
    }
  })

  it('SIGTERM while the PIN is awaited (`--pin-stdin`, nothing typed yet), before anything changed: exit 130, nothing pending, the key untouched', async () => {
    const lab = await makeLab(20)
    const child = spawn(process.execPath, [join(ROOT, 'bin/run.js'), 'renew', '--lab', '--lab-dir', lab.dir, '--server', lab.url, '--yes', '--pin-stdin', '--lang', 'en'], { cwd: ROOT, env: isolatedEnv(), stdio: ['pipe', 'pipe', 'pipe'] })
    const done = collect(child)
    let err = ''
    child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')))
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (err.includes('Renew the certificate on USB key')) resolve()
      }
      child.stderr!.on('data', check)
    })
    child.kill('SIGTERM')
    const r = await done
    expect(r.code, r.stderr).toBe(130)
    expect(r.stderr).toContain('nothing was changed')
    const status = await ukey(['renew', '--status', '--lab', '--lab-dir', lab.dir])
    expect(status.code).toBe(0)
    expect(objects(lab).privateKeys).toEqual([lab.state.certificate.id])
  })
})

describe('ukey renew when the bank server restarts mid-renewal and forgets the request', () => {
  it('the poll after the restart is answered "unknown transaction": exit 31 "run again", the key as before, nothing pending; the rerun renews', async () => {
    const lab = await makeLab(20)
    // The lab CA behind one address; a "restart" swaps in a fresh server (open transactions gone, renewals.json kept).
    const make = (waitingCount: number): ReturnType<typeof createLabCmpServer> => createLabCmpServer({
      ca: { certPem: readFileSync(lab.state.ca.cert, 'utf8'), keyPem: readFileSync(lab.state.ca.key, 'utf8') },
      policy: { renewBeforeDays: 30, graceAfterDays: 90 },
      stateFile: join(lab.dir, 'renewals.json'),
      waitingCount,
      log: (e) => lab.log.push(`${e.kind} → ${e.outcome}`),
    })
    let current = make(50)
    const http = await listenCmp((der) => current.handle(der), { host: '127.0.0.1', port: 0 })
    const url = `http://127.0.0.1:${http.port}/pkix/`
    try {
      const run = start(['renew', '--lab', '--lab-dir', lab.dir, '--server', url, '--yes', '--lang', 'en'], { UKEY_PIN: PIN })
      await run.stderrUntil('(poll 1)')
      current = make(0) // the client is sleeping the server's 1 s checkAfter: its next pollReq reaches the restarted server
      const r = await run.done
      expect(r.code, r.stderr).toBe(31)
      expect(r.stderr).toContain('the bank\'s server no longer knows this renewal (unknown transaction')
      expect(r.stderr).toContain('run `ukey renew` again')
      expect(lab.log).toContain('pollReq → rejected: unknown transaction')
      const o = objects(lab)
      expect(o.privateKeys).toEqual([lab.state.certificate.id])
      expect(signs(lab, lab.state.certificate.id)).toBe(true)
      const status = await ukey(['renew', '--status', '--lab', '--lab-dir', lab.dir])
      expect(status.code).toBe(0)
      const rerun = await ukey(['renew', '--lab', '--lab-dir', lab.dir, '--server', url, '--yes'], { env: { UKEY_PIN: PIN } })
      expect(rerun.code, rerun.stderr).toBe(0)
      assertRenewed(lab)
      expect(everythingSaid(lab, [r, status, rerun])).not.toContain(PIN)
    } finally {
      await http.close()
    }
  })
})
