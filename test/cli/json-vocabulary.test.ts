// Issue 15, item 2: one JSON vocabulary. The same certificate on the lab token,
// read by four commands, is one object (docs/json.md); every document of every
// command carries the head scripts pin (schemaVersion 2, kind, lab, exitCode)
// and validates against its published schema (docs/schema). The built CLI runs
// as a user runs it; the lab token is SoftHSM2, the CMP server the lab CA on
// 127.0.0.1.

import { X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixture, ndjson, ukey, type RunResult } from '../helpers/cli.js'
import { labWithServer, stopLabServers, type LabWithServer } from '../helpers/lab-server.js'
import { schemaErrors } from '../helpers/schemas.js'

const PIN = 'Vq-30517-k'

let root: string
let n = 0
const makeLab = (expiresIn: number): Promise<LabWithServer> => labWithServer(join(root, `lab-${n++}`), { pin: PIN, expiresIn })

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ukey-vocabulary-'))
})
afterAll(stopLabServers)

type Doc = Record<string, unknown>
const json = (r: RunResult): Doc => {
  expect(r.stdout, r.stderr).not.toBe('')
  return JSON.parse(r.stdout) as Doc
}
/** The certificate object without the CKA_ID renew and lab add when they read it by id. */
const withoutId = (c: unknown): Doc => {
  const rest = { ...(c as Doc) }
  delete rest['id']
  return rest
}

/** Which published schema (and definition) each kind of document follows. */
const SCHEMA: Record<string, [id: string, pointer?: string]> = {
  'ukey.check-window': ['check-window'],
  'ukey.show-cert': ['show-cert'],
  'ukey.detect': ['detect'],
  'ukey.diagnose': ['diagnose'],
  'ukey.diagnose.codes': ['diagnose', '#/definitions/codes'],
  'ukey.renew': ['renew'],
  'ukey.renew-status': ['renew-status'],
  'ukey.exit-codes': ['exit-codes'],
  'ukey.version': ['version'],
  'ukey.lab': ['lab'],
  'ukey.lab-status': ['lab'],
  'ukey.lab-samples': ['lab-samples'],
}

describe('one certificate object across commands', () => {
  it('check-window, show-cert, lab status and renew (the old certificate) name the lab certificate identically; renew\'s new one is what lab status shows after', async () => {
    // In grace: the case where show-cert once said daysSinceExpiry null and check-window 10.
    const lab = await makeLab(-10)
    const on = ['--lab', '--lab-dir', lab.dir]
    const checked = json(await ukey(['check-window', ...on, '--json']))
    const shown = json(await ukey(['show-cert', ...on, '--json']))
    const status = json(await ukey(['lab', 'status', '--dir', lab.dir, '--json']))
    const renewed = json(await ukey(['renew', ...on, '--server', lab.url, '--yes', '--json'], { env: { UKEY_PIN: PIN } }))
    const after = json(await ukey(['lab', 'status', '--dir', lab.dir, '--json']))
    for (const doc of [checked, shown, status, renewed, after]) {
      const [id, pointer] = SCHEMA[doc['kind'] as string]!
      expect(schemaErrors(id, doc, pointer), String(doc['kind'])).toEqual([])
    }
    expect(renewed['outcome']).toBe('renewed')

    const fromCheck = (checked['certificates'] as Doc[])[0]!['certificate'] as Doc
    const fromShow = (shown['certificates'] as Doc[])[0]!['certificate'] as Doc
    expect(fromShow).toEqual(fromCheck)
    expect(withoutId(status['certificate'])).toEqual(fromCheck)
    expect(withoutId(renewed['certificate'])).toEqual(fromCheck)
    // The id is the one lab init stored the certificate under, in both documents that read it by id.
    expect((status['certificate'] as Doc)['id']).toBe(lab.state.certificate.id)
    expect((renewed['certificate'] as Doc)['id']).toBe(lab.state.certificate.id)
    // After the renewal the token holds the new certificate: lab status names it as renew did.
    expect(after['certificate']).toEqual(renewed['newCertificate'])
    expect(after['token']).toEqual(renewed['token'])
    expect(status['token']).toEqual(renewed['token'])

    // The facts themselves, against lab.json and openssl's reading of the name rules.
    expect(fromCheck).toMatchObject({
      subject: { dn: 'CN=张三 (lab),OU=个人网银 (lab),O=ukey lab,C=CN', cn: '张三 (lab)' },
      issuer: { cn: 'ukey lab CA (not a bank)' },
      serial: lab.state.certificate.serial.replace(/^(00)+(?=.)/, ''),
      notAfter: lab.state.certificate.notAfter.replace(/\.\d{3}Z$/, '.000Z'),
      key: { algorithm: 'RSA', size: 2048 },
      window: { state: 'grace', daysLeft: -10, daysSinceExpiry: 10 },
    })
    const ca = new X509Certificate(readFileSync(lab.state.ca.cert))
    expect((fromCheck['issuer'] as Doc)['dn']).toBe(ca.subject.split('\n').reverse().join(','))
  }, 120_000)
})

describe('every document has the head scripts pin', () => {
  it('schemaVersion 2, kind, lab and the exit code the process returned, and its schema, on every command', async () => {
    const lab = await makeLab(20)
    const on = ['--lab', '--lab-dir', lab.dir]
    const samplesDir = join(root, 'samples')
    const runs: Array<[string[], Record<string, string>?]> = [
      [['check-window', fixture('rsa.pem'), '--json', '--at', '2026-12-15T00:00:00Z']],
      [['check-window', ...on, '-o', 'json']],
      [['show-cert', fixture('sm2.pem'), '--json']],
      [['show-cert', ...on, '--json']],
      [['detect', ...on, '--json']],
      [['diagnose', '0116', ...on, '--json', '--no-input']],
      [['diagnose', '--list', '--json']],
      [['renew', ...on, '--server', lab.url, '--dry-run', '--json'], { UKEY_PIN: PIN }],
      [['renew', ...on, '--status', '--json']],
      [['exit-codes', '--json']],
      [['version', '--json']],
      [['lab', 'status', '--dir', lab.dir, '--json']],
      [['lab', 'samples', '--dir', samplesDir, '--json']],
      [['lab', 'init', '--dir', join(root, 'lab-init'), '--key', 'ec-p256', '--json']],
    ]
    const kinds = new Set<string>()
    for (const [args, env] of runs) {
      const r = await ukey(args, env ? { env } : {})
      const doc = json(r)
      const what = args.join(' ')
      expect(doc['schemaVersion'], what).toBe(2)
      expect(doc['kind'], what).toMatch(/^ukey\.[a-z.-]+$/)
      expect(typeof doc['lab'], what).toBe('boolean')
      expect(doc['exitCode'], what).toBe(r.code)
      const [id, pointer] = SCHEMA[doc['kind'] as string] ?? [`no schema for ${String(doc['kind'])}`]
      expect(schemaErrors(id, doc, pointer), what).toEqual([])
      kinds.add(doc['kind'] as string)
    }
    // Every kind with a schema was seen, so the table above cannot hold a kind no command writes.
    expect([...kinds].sort()).toEqual(Object.keys(SCHEMA).sort())

    // NDJSON has no document around it: its last line carries the head.
    const lines = await ukey(['check-window', ...on, '-o', 'ndjson'])
    const last = ndjson(lines.stdout).at(-1)!
    expect(last).toMatchObject({ type: 'summary', schemaVersion: 2, kind: 'ukey.check-window', lab: true, exitCode: lines.code })
  }, 180_000)
})
