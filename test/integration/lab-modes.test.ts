// The lab's files are its user's alone whatever the umask (issue 11 item 4):
// under `umask 000`, `lab init`, `lab samples` and `lab serve` (its record of
// renewals) leave folders 0700 and files 0600 — the profile and softhsm2.conf
// decide which server a renewal talks to and which module is loaded.

import { spawn } from 'node:child_process'
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueCertificate, type LabCa } from '../../src/lab/ca.js'
import { readLabState } from '../../src/lab/token-lab.js'
import { buildCertConf, buildKeyUpdateRequest, postPkiMessage, readResponse, softwareSigner } from '../../src/renewal/cmp/index.js'
import { spkiOf } from '../../src/renewal/cmp/signer.js'
import { collect, isolatedEnv, ROOT, type RunResult } from '../helpers/cli.js'
import { freePort } from '../helpers/openssl-cmp.js'

const DAY = 86_400_000

/** `ukey …` from a shell whose umask is 000. */
function ukeyUmask000(args: string[], env: NodeJS.ProcessEnv = isolatedEnv()): { done: Promise<RunResult>; kill: () => void; stderr: () => string } {
  const child = spawn('sh', ['-c', 'umask 000 && exec "$0" "$@"', process.execPath, join(ROOT, 'bin/run.js'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let err = ''
  child.stderr.on('data', (d: Buffer) => (err += d.toString()))
  return { done: collect(child), kill: () => child.kill('SIGTERM'), stderr: () => err }
}

/** Every entry under `dir` (itself included) as "<octal mode> <d|f> <relative path>". */
function modes(dir: string, rel = '.'): string[] {
  const out = [`${(statSync(dir).mode & 0o777).toString(8)} d ${rel}`]
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...modes(p, `${rel}/${e.name}`))
    else out.push(`${(statSync(p).mode & 0o777).toString(8)} f ${rel}/${e.name}`)
  }
  return out
}

const notPrivate = (list: string[]): string[] => list.filter((l) => !/^700 d |^600 f /.test(l))

describe('lab files under umask 000', () => {
  let dir: string
  let labDir: string
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ukey-lab-modes-'))
    labDir = join(dir, 'lab')
    const init = await ukeyUmask000(['lab', 'init', '--dir', labDir, '--key', 'ec-p256']).done
    expect(init.code, init.stderr).toBe(0)
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('lab init: the folder, the token store and every file are the user\'s only', () => {
    const list = modes(labDir)
    // What there must be, so an empty listing cannot pass.
    for (const f of ['./profile.json', './softhsm2.conf', './lab.json', './ca.key', './ca.crt']) expect(list).toContain(`600 f ${f}`)
    expect(list).toContain('700 d ./tokens')
    expect(list.filter((l) => l.includes('.object')).length).toBeGreaterThan(0)
    expect(notPrivate(list)).toEqual([])
  })

  it('lab samples: the folder it makes and the certificates in it', async () => {
    const samples = join(dir, 'new', 'samples')
    const r = await ukeyUmask000(['lab', 'samples', '--dir', samples]).done
    expect(r.code, r.stderr).toBe(0)
    const list = modes(samples)
    expect(list).toContain('600 f ./all.pem')
    expect(notPrivate(list)).toEqual([])
    expect(notPrivate(modes(join(dir, 'new')))).toEqual([])
  })

  it('lab serve: the record of renewals it writes', async () => {
    const port = await freePort()
    const serve = ukeyUmask000(['lab', 'serve', '--dir', labDir, '--port', String(port)])
    try {
      for (let i = 0; i < 400 && !serve.stderr().includes('CMP server on'); i++) await new Promise((r) => setTimeout(r, 25))
      const state = readLabState(labDir)!
      const ca: LabCa = { certPem: readFileSync(state.ca.cert, 'utf8'), keyPem: readFileSync(state.ca.key, 'utf8') }
      const oldKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
      const newKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
      const oldCert = await issueCertificate(ca, {
        spki: spkiOf(oldKey), subject: 'C=CN,O=ukey lab,CN=modes (lab)', serialHex: '2d' + randomBytes(6).toString('hex'),
        notBefore: new Date(Date.now() - 340 * DAY), notAfter: new Date(Date.now() + 20 * DAY),
      })
      const url = `http://127.0.0.1:${port}/pkix/`
      const req = await buildKeyUpdateRequest({ oldCert, signerOld: softwareSigner(oldKey), newSpki: spkiOf(newKey), signerNew: softwareSigner(newKey) })
      const kup = readResponse(await postPkiMessage(url, req.der, { timeoutMs: 10_000 }))
      if (kup.kind !== 'kup' || !kup.certificate) throw new Error(`no certificate: ${kup.kind}`)
      const conf = await buildCertConf({ oldCert, signerOld: softwareSigner(oldKey), transactionID: req.transactionID, recipNonce: kup.header.senderNonce!, certificate: kup.certificate })
      expect(readResponse(await postPkiMessage(url, conf.der, { timeoutMs: 10_000 })).kind).toBe('pkiConf')
    } finally {
      serve.kill()
    }
    await serve.done
    const list = modes(labDir)
    expect(list).toContain('600 f ./renewals.json')
    expect(notPrivate(list)).toEqual([])
  })
})
