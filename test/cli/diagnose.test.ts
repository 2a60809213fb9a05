import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { fixture, ukey } from '../helpers/cli.js'
import { labWithServer, stopLabServers } from '../helpers/lab-server.js'
import { diagnoseSchemaErrors } from '../helpers/diagnose-schema.js'
import { SoftHsmStore, SOFTHSM_MODULE, USER_PIN } from '../helpers/softhsm.js'

const CODES = ['0124', '9002', '0116', '403.7'] as const
type Code = (typeof CODES)[number]

interface LabInfo { dir: string; state: { token: { serial: string }; certificate: { serial: string } } }

/** A lab of its own (EC key: fast), as `ukey lab init` makes it; PIN 123456. */
async function lab(expiresIn = 20): Promise<LabInfo> {
  const dir = join(mkdtempSync(join(tmpdir(), 'ukey-diag-lab-')), 'lab')
  const r = await ukey(['lab', 'init', '--dir', dir, '--key', 'ec-p256', '--json', '--expires-in', String(expiresIn)])
  expect(r.code).toBe(0)
  return { dir, state: JSON.parse(r.stdout) }
}

interface Step { faq: string; kind: string; outcome: string; checkIds: string[]; checks: Array<{ id: string; outcome: string; data: Record<string, unknown> }>; evidence: string[]; remedy: string | null }
interface Doc { verdict: string; exitCode: number; concludedAt: number | null; next: string; steps: Step[] }

/** The walk in one line per step: outcome, FAQ step, the checks it names (or the step's kind). */
const walk = (doc: Doc): string[] => doc.steps.map((s) => `${s.outcome} ${s.faq} ${s.checkIds.join('|') || s.kind}`)

async function diagnoseJson(args: string[], env: Record<string, string> = {}): Promise<{ code: number; doc: Doc; stderr: string }> {
  const r = await ukey(['diagnose', ...args, '--json', '--no-input', '--lang', 'en'], { env })
  const doc = JSON.parse(r.stdout) as Doc
  expect(diagnoseSchemaErrors(doc)).toEqual([])
  expect(doc.exitCode).toBe(r.code)
  return { code: r.code, doc, stderr: r.stderr }
}

const onLab = (l: LabInfo) => ['--lab', '--lab-dir', l.dir]
const PIN_ENV = { UKEY_PIN: '123456' }

// The steps every walk shares on the lab token (no USB device: the token shows the key is there).
const KEY_IN = (faq: string) => `pass ${faq} usb-key|token-visible|soft-certificate`
const IE = (faq: string) => [`unknown ${faq} device-busy`, `shown ${faq} instruction`]
const TOOL = (faq: string) => [`pass ${faq} vendor-module`, `unknown ${faq} module-vendor-match`, `pass ${faq} token-visible|soft-certificate`]

function expectedHealthyWalk(code: Code, keygen: 'pass' | 'unknown'): string[] {
  switch (code) {
    case '0124': return [KEY_IN('10.1'), ...IE('10.2'), ...TOOL('10.3'), `${keygen} 10 test-keygen`, 'shown 10.3 instruction']
    case '9002': return [KEY_IN('11.1'), 'pass 11.1 token-visible|soft-certificate', ...IE('11.2'), 'shown 11.3 instruction', 'shown 11.3 instruction']
    case '0116': return ['pass 12 renewal-journal', 'pass 12.1 renewal-window', KEY_IN('12.2'), 'pass 12.2 token-visible|soft-certificate', ...IE('12.3'), 'pass 12 certificate-with-key', 'pass 12 chains-to-bank-ca', 'pass 12.4 key-signs', 'pass 12.4 renewal-refused', 'unknown 12.4 question']
    case '403.7': return [KEY_IN('13.1'), ...IE('13.2'), ...TOOL('13.3'), 'pass 13 certificate-with-key', 'pass 13 renewal-window', 'pass 13 chains-to-bank-ca', 'pass 13 key-signs', 'pass 13.4 renewal-refused', 'unknown 13.4 question']
  }
}

describe('ukey diagnose on the lab (SoftHSM2), every code per scenario', () => {
  it('inside the window, PIN given, key generation allowed: the whole walk passes, nothing wrong found (exit 0)', async () => {
    const l = await lab(20)
    for (const code of CODES) {
      const { code: exit, doc } = await diagnoseJson([code, ...onLab(l), '--allow-keygen'], PIN_ENV)
      expect(walk(doc), code).toEqual(expectedHealthyWalk(code, 'pass'))
      expect(exit).toBe(0)
      expect(doc.verdict).toBe('ok')
    }
    // The test key pair was removed: the token holds its one pair again (witness: detect).
    const d = JSON.parse((await ukey(['detect', '--lab', '--lab-dir', l.dir, '--json'])).stdout)
    expect(d.tokens[0]).toMatchObject({ certificates: 1 })
    const pkcs11 = await ukey(['show-cert', '--lab', '--lab-dir', l.dir, '--login', '--json'], { env: PIN_ENV })
    expect(JSON.parse(pkcs11.stdout).certificates).toHaveLength(1)
  })

  it('without a PIN or consent: the PIN-bound checks are unknown, nothing blocks, and the verdict says what was not checked (exit 20)', async () => {
    const l = await lab(20)
    const r = await diagnoseJson(['0124', ...onLab(l)])
    expect(walk(r.doc)).toEqual(expectedHealthyWalk('0124', 'unknown'))
    expect(r.code).toBe(20)
    expect(r.doc.next).toContain('Not everything could be checked')
    const s = await diagnoseJson(['403.7', ...onLab(l)])
    expect(walk(s.doc)).toContain('unknown 13 key-signs')
    expect(s.code).toBe(20)
  })

  it('certificate too early: 0116 stops at the window (exit 20, opens in …); the others find nothing wrong', async () => {
    const l = await lab(200)
    const r = await diagnoseJson(['0116', ...onLab(l)], PIN_ENV)
    expect(walk(r.doc).slice(0, 2)).toEqual(['pass 12 renewal-journal', 'fail 12.1 renewal-window'])
    expect(walk(r.doc).slice(2).every((s) => s.startsWith('skipped'))).toBe(true)
    expect(r.code).toBe(20)
    expect(r.doc.next).toMatch(/Too early: renewal is possible from \d{4}-\d\d-\d\d \(FAQ 5\)/)
    for (const code of ['0124', '9002', '403.7'] as const) {
      const x = await diagnoseJson([code, ...onLab(l)], PIN_ENV)
      expect(walk(x.doc)).toEqual(expectedHealthyWalk(code, 'unknown'))
      // 0124's key generation test was not allowed: not "nothing wrong", exit 20.
      expect(x.code).toBe(code === '0124' ? 20 : 0)
    }
  })

  it('lapsed: 0116 and 403.7 send the customer to the counter (exit 20); 0124 and 9002 find nothing', async () => {
    const l = await lab(-100)
    const a = await diagnoseJson(['0116', ...onLab(l)], PIN_ENV)
    expect(walk(a.doc)[1]).toBe('fail 12.1 renewal-window')
    expect(a.doc.steps[1]!.checks[0]!.data).toMatchObject({ certificate: { window: { state: 'lapsed', daysLeft: -100, daysSinceExpiry: 100 } } })
    expect(a.code).toBe(20)
    expect(a.doc.next).toContain('Get a new USB key at the counter')
    const b = await diagnoseJson(['403.7', ...onLab(l)], PIN_ENV)
    expect(walk(b.doc).slice(0, 8)).toEqual([KEY_IN('13.1'), ...IE('13.2'), ...TOOL('13.3'), 'pass 13 certificate-with-key', 'fail 13 renewal-window'])
    expect(b.code).toBe(20)
    expect((await diagnoseJson(['0124', ...onLab(l), '--allow-keygen'], PIN_ENV)).code).toBe(0)
    expect((await diagnoseJson(['9002', ...onLab(l)], PIN_ENV)).code).toBe(0)
  })

  it('already renewed (a done journal for this certificate): 0116 explained, exit 0, nothing to do', async () => {
    const l = await lab(20)
    writeJournal(l, 'done', [{ step: 'old-removed', phase: 'end', at: '2026-01-02T03:04:05.000Z' }])
    const r = await diagnoseJson(['0116', ...onLab(l)], PIN_ENV)
    expect(walk(r.doc)[0]).toBe('fail 12 renewal-journal')
    expect(r.doc).toMatchObject({ verdict: 'ok', concludedAt: 0, exitCode: 0 })
    expect(r.doc.next).toContain('Already renewed on 2026-01-02')
    const zh = await ukey(['diagnose', '0116', ...onLab(l), '--lang', 'zh-CN', '--no-input'])
    expect(zh.stdout).toContain('已于 2026-01-02 换证')
    expect(zh.code).toBe(0)
  })

  it('the server refused this certificate (journal: RENEWAL_REFUSED) and all else checks out: 0116 and 403.7 name the bank\'s side (exit 20, not 21)', async () => {
    const l = await lab(20)
    writeJournal(l, 'rolled-back', [
      { step: 'request-sent', phase: 'begin', at: '2026-01-02T03:04:05.000Z' },
      { step: 'request-sent', phase: 'failed', at: '2026-01-02T03:04:06.000Z', detail: { code: 'RENEWAL_REFUSED' } },
    ])
    const a = await diagnoseJson(['0116', ...onLab(l)], PIN_ENV)
    expect(walk(a.doc)).toEqual([...expectedHealthyWalk('0116', 'pass').slice(0, 9), 'fail 12.4 renewal-refused', 'skipped 12.4 question'])
    expect(a.code).toBe(20)
    expect(a.doc.next).toContain('refused this certificate\'s renewal on 2026-01-02 (RENEWAL_REFUSED)')
    const b = await diagnoseJson(['403.7', ...onLab(l)], PIN_ENV)
    expect(walk(b.doc)).toEqual([...expectedHealthyWalk('403.7', 'pass').slice(0, 10), 'fail 13.4 renewal-refused', 'skipped 13.4 question'])
    expect(b.code).toBe(20)
    expect((await diagnoseJson(['0124', ...onLab(l), '--allow-keygen'], PIN_ENV)).code).toBe(0)
    expect((await diagnoseJson(['9002', ...onLab(l)], PIN_ENV)).code).toBe(0)
  })

  it('a token without a certificate: 0116 and 403.7 stop at the certificate step (exit 20)', async () => {
    const store = SoftHsmStore.create()
    try {
      store.initToken({ label: 'blank', serial: '2100000099990000' })
      const env = { SOFTHSM2_CONF: store.conf, UKEY_PIN: USER_PIN }
      const a = await diagnoseJson(['0116', '--module', SOFTHSM_MODULE], env)
      expect(walk(a.doc)).toEqual(['unknown 12 renewal-journal', 'unknown 12.1 renewal-window', KEY_IN('12.2'), 'pass 12.2 token-visible|soft-certificate', ...IE('12.3'), 'fail 12 certificate-with-key', 'skipped 12 chains-to-bank-ca', 'skipped 12.4 key-signs', 'skipped 12.4 renewal-refused', 'skipped 12.4 question'])
      expect(a.code).toBe(20)
      expect(a.doc.steps[6]!.evidence).toEqual(['the USB key 2100000099990000 holds no certificate'])
      const b = await diagnoseJson(['403.7', '--module', SOFTHSM_MODULE], env)
      expect(walk(b.doc)[6]).toBe('fail 13 certificate-with-key')
      expect(b.code).toBe(20)
      expect((await diagnoseJson(['0124', '--module', SOFTHSM_MODULE, '--allow-keygen'], env)).code).toBe(0)
      expect((await diagnoseJson(['9002', '--module', SOFTHSM_MODULE], env)).code).toBe(0)
    } finally {
      store.remove()
    }
  })

  it('a customer without a key: a software certificate on this computer (--soft-store) satisfies FAQ 10.1', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'ukey-diag-nokey-'))
    writeFileSync(join(empty, 'softhsm2.conf'), `directories.tokendir = ${empty}\nobjectstore.backend = file\n`)
    const env = { SOFTHSM2_CONF: join(empty, 'softhsm2.conf') }
    const store = mkdtempSync(join(tmpdir(), 'ukey-diag-soft-'))
    writeFileSync(join(store, 'customer.pem'), readFileSync(fixture('rsa.pem')))
    const r = await diagnoseJson(['0124', '--module', SOFTHSM_MODULE, '--soft-store', store], env)
    expect(walk(r.doc)).toEqual([
      'pass 10.1 usb-key|token-visible|soft-certificate', ...IE('10.2'), 'unknown 10.3 vendor-module', 'unknown 10.3 module-vendor-match',
      'pass 10.3 token-visible|soft-certificate', 'unknown 10 test-keygen', 'shown 10.3 instruction',
    ])
    expect(r.doc.steps[0]!.evidence.some((e) => e.startsWith('certificate "') && e.endsWith('customer.pem'))).toBe(true)
    // No key to try key generation on: 0124's own check stays unknown, so not "nothing wrong".
    expect(r.code).toBe(20)
    // A store without a certificate: neither a key nor a software certificate, FAQ 10.1.
    const none = await diagnoseJson(['0124', '--module', SOFTHSM_MODULE, '--soft-store', mkdtempSync(join(tmpdir(), 'ukey-diag-soft-'))], env)
    expect(walk(none.doc)[0]).toBe('fail 10.1 usb-key|token-visible|soft-certificate')
    expect(none.code).toBe(20)
  })

  it('health check: every check; a renewal server on a closed port is the finding (exit 20)', async () => {
    const l = await lab(20)
    const port = await closedPort()
    const profile = JSON.parse(readFileSync(join(l.dir, 'profile.json'), 'utf8'))
    profile.renewal.url = `http://127.0.0.1:${port}/pkix/`
    // Beside the lab's own profile: its CA file, named relative to the profile, resolves the same.
    writeFileSync(join(l.dir, 'profile-closed.json'), JSON.stringify(profile))
    const r = await diagnoseJson(['--lab', '--lab-dir', l.dir, '--profile', join(l.dir, 'profile-closed.json'), '--allow-keygen'], PIN_ENV)
    const ran = r.doc.steps.flatMap((s) => s.checks.map((c) => `${c.outcome} ${c.id}`))
    expect(ran).toEqual([
      'unknown usb-key', 'pass token-visible', 'unknown soft-certificate',
      'pass token-visible', 'pass vendor-module', 'unknown module-vendor-match', 'pass certificate-with-key', 'pass key-signs', 'pass renewal-window',
      'pass chains-to-bank-ca', 'pass renewal-journal', 'pass renewal-refused', 'pass test-keygen', 'unknown device-busy', 'fail renewal-server',
    ])
    expect(r.code).toBe(20)
    expect(r.doc.next).toContain('renewal server does not answer')
  })
})

describe('ukey diagnose: codes', () => {
  it('--list shows the codes with their meaning, in both languages and as JSON', async () => {
    const en = await ukey(['diagnose', '--list', '--lang', 'en'])
    expect(en.stdout).toMatch(/0124\s+key-pair generation failed/)
    expect(en.stdout).toMatch(/403\.7\s+HTTP 403\.7 Forbidden: client certificate required/)
    const zh = await ukey(['diagnose', '--list', '--lang', 'zh-CN'])
    expect(zh.stdout).toContain('此证书换证条件不满足或是已进行过换证申请')
    const json = JSON.parse((await ukey(['diagnose', '--list', '--json'])).stdout)
    expect(diagnoseSchemaErrors(json, 'codes')).toEqual([])
    expect(json.codes.map((c: { code: string }) => c.code)).toEqual(['0124', '9002', '0116', '403.7'])
  })

  it('an unknown code is a usage error (exit 2) that lists the known ones', async () => {
    const r = await ukey(['diagnose', '0999', '--lang', 'en'])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('unknown code "0999"; ukey knows:')
    for (const c of CODES) expect(r.stderr).toContain(c)
    expect(r.stderr).toContain('ukey diagnose --list')
  })

  it('aliases as people type them: HTTP 403.7, 124, the Chinese message', async () => {
    const l = await lab(20)
    for (const [input, code] of [['HTTP 403.7', '403.7'], ['124', '0124'], ['读取控件序列号为空', '9002']]) {
      const r = await diagnoseJson([input!, ...onLab(l)])
      expect((r.doc as unknown as { code: string }).code).toBe(code)
    }
  })

  it('the human walk: a tick or cross per step, the legacy IE advice marked, the verdict in a box (en, zh)', async () => {
    const l = await lab(200)
    const en = await ukey(['diagnose', '0116', ...onLab(l), '--lang', 'en'])
    expect(en.code).toBe(20)
    expect(en.stdout).toContain('[LAB]')
    expect(en.stdout).toMatch(/✔ FAQ 12 {2}No renewal of this certificate/)
    expect(en.stdout).toMatch(/✖ FAQ 12\.1 {2}The certificate is inside the renewal period/)
    expect(en.stdout).toMatch(/┌─+┐\n│ Verdict: action needed \(exit 20\) +│/)
    const zh = await ukey(['diagnose', '9002', ...onLab(l), '--lang', 'zh-CN'])
    expect(zh.stdout).toContain('ℹ 常见问题 11.3  【仅适用于旧版网页，Windows/IE】将银行换证网站加入 IE 的“可信站点”')
    expect(zh.stdout).toContain('ukey 不需要此设置')
    expect(zh.stdout).toContain('结论：未发现问题（退出码 0）')
  })
})

function writeJournal(l: LabInfo, state: 'done' | 'rolled-back', entries: object[]): void {
  const dir = join(l.dir, 'journal')
  const id = `${l.state.token.serial}-${l.state.certificate.serial}`
  const record = {
    schemaVersion: 1, id, createdAt: '2026-01-02T03:00:00.000Z',
    token: { serial: l.state.token.serial, label: 'ukey-lab', module: SOFTHSM_MODULE },
    old: { keyId: '00', certSerial: l.state.certificate.serial, certSha256: '00' },
    entries, state,
  }
  // The journal folder as ukey renew makes it: under the lab.
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, `${id}.json`), JSON.stringify(record, null, 2))
}


/** A port nothing listens on: bound, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

describe('ukey diagnose: the renewal server, through the renewal\'s own probe', () => {
  afterAll(stopLabServers)

  it('the bank\'s server (its answer chains to the profile CA) passes; a server signing with another CA is the finding (exit 20)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ukey-diag-server-'))
    const bank = await labWithServer(join(root, 'bank'), { pin: PIN_ENV.UKEY_PIN })
    const other = await labWithServer(join(root, 'other'), { pin: PIN_ENV.UKEY_PIN })
    const profile = JSON.parse(readFileSync(join(bank.dir, 'profile.json'), 'utf8'))
    const serverCheck = (doc: Doc) => doc.steps.flatMap((s) => s.checks).find((c) => c.id === 'renewal-server')
    for (const [name, url] of [['bank', bank.url], ['other', other.url]] as const) {
      profile.renewal.url = url
      writeFileSync(join(bank.dir, `profile-${name}.json`), JSON.stringify(profile))
    }
    const good = await diagnoseJson(['--lab', '--lab-dir', bank.dir, '--profile', join(bank.dir, 'profile-bank.json')], PIN_ENV)
    expect(serverCheck(good.doc)).toMatchObject({ outcome: 'pass', data: { url: bank.url, reachable: true, trusted: true } })
    expect(bank.log.length).toBeGreaterThan(0)
    const bad = await diagnoseJson(['--lab', '--lab-dir', bank.dir, '--profile', join(bank.dir, 'profile-other.json')], PIN_ENV)
    expect(serverCheck(bad.doc)).toMatchObject({ outcome: 'fail', data: { url: other.url, reachable: true, trusted: false } })
    expect(bad.code).toBe(20)
    expect(bad.doc.next).toContain('not the bank\'s')
  })
})
