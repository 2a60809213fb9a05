import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ndjson, ukey } from '../helpers/cli.js'
import { schemaErrors } from '../helpers/schemas.js'

const NO_STACK = /\n\s+at .+:\d+:\d+/

/** A lab of its own (EC key: fast), as `ukey lab init` makes it. */
async function lab(extra: string[] = [], env: Record<string, string> = {}): Promise<{ dir: string; state: { token: { serial: string }; certificate: { id: string; notAfter: string }; conf: string; module: string } }> {
  const dir = join(mkdtempSync(join(tmpdir(), 'ukey-lab-')), 'lab')
  const r = await ukey(['lab', 'init', '--dir', dir, '--key', 'ec-p256', '--json', ...extra], { env })
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  return { dir, state: JSON.parse(r.stdout) }
}

describe('lab init / status / reset', () => {
  it('makes a token whose serial carries the vendor code, with a renewable certificate, marked lab everywhere', async () => {
    const { dir, state } = await lab()
    expect(state.token.serial).toMatch(/^21\d{14}$/)
    const notAfter = Date.parse(state.certificate.notAfter)
    expect((notAfter - Date.now()) / 86_400_000).toBeGreaterThan(19)
    expect((notAfter - Date.now()) / 86_400_000).toBeLessThanOrEqual(20)
    const status = await ukey(['lab', 'status', '--dir', dir, '--json'])
    const doc = JSON.parse(status.stdout)
    expect(schemaErrors('lab', state)).toEqual([])
    expect(schemaErrors('lab', doc)).toEqual([])
    expect(doc).toMatchObject({ schemaVersion: 2, kind: 'ukey.lab-status', lab: true, exitCode: 0, tokenPresent: true, certificates: 1, keyPairs: 1, certificate: { window: { state: 'renewable' } } })
    // The same token and certificate as lab init named them.
    expect(doc.token).toEqual((state as unknown as { token: object }).token)
    expect(doc.certificate.fingerprints).toEqual((state as unknown as { certificate: { fingerprints: object } }).certificate.fingerprints)
    const human = await ukey(['lab', 'status', '--dir', dir, '--lang', 'zh-CN'])
    expect(human.stdout).toContain('[实验环境]')
    const again = await ukey(['lab', 'init', '--dir', dir])
    expect(again.code).toBe(3)
    expect(again.stderr).toContain('lab reset')
    expect((await ukey(['lab', 'reset', '--dir', dir])).code).toBe(0)
    expect((await ukey(['lab', 'status', '--dir', dir])).code).toBe(3)
  })

  it('the CA key is readable by its owner only, and the lab never writes the PIN', async () => {
    const { dir } = await lab([], { UKEY_PIN: 'pin-4711-lab' })
    expect(statSync(join(dir, 'ca.key')).mode & 0o077).toBe(0)
    for (const f of readdirSync(dir)) {
      if (statSync(join(dir, f)).isFile()) expect(readFileSync(join(dir, f), 'latin1'), f).not.toContain('pin-4711-lab')
    }
  })
})

describe('detect', () => {
  it('lists the lab token: vendor from the serial prefix, PIN state, objects (JSON)', async () => {
    const { dir, state } = await lab(['--vendor', '31'])
    const r = await ukey(['detect', '--lab', '--lab-dir', dir, '--json'])
    expect(r.code).toBe(0)
    const doc = JSON.parse(r.stdout)
    expect(schemaErrors('detect', doc)).toEqual([])
    expect(doc).toMatchObject({ kind: 'ukey.detect', lab: true, verdict: 'ok', exitCode: 0 })
    expect(doc.modules).toEqual([expect.objectContaining({ path: state.module, loaded: true, origin: 'profile', version: expect.stringMatching(/^\d+\.\d+$/) })])
    expect(doc.tokens).toHaveLength(1)
    expect(doc.tokens[0]).toMatchObject({
      token: { serial: state.token.serial, label: 'ukey-lab', manufacturer: 'SoftHSM project', module: state.module }, vendor: { code: '31' }, vendorConflict: false,
      pin: { state: 'ok', triesLeft: null }, certificates: 1, keyPairs: 1, findings: [],
    })
  })

  it('checks a printed number against the key: another vendor is a finding (FAQ 10.3)', async () => {
    const { dir } = await lab()
    const r = await ukey(['detect', '--lab', '--lab-dir', dir, '--key-number', '1100012345', '--lang', 'en'])
    expect(r.stdout).toContain('Printed number 1100012345: vendor 11 Giesecke & Devrient')
    expect(r.stdout).toMatch(/signals name different vendors/)
    const zh = await ukey(['detect', '--lab', '--lab-dir', dir, '--key-number', '1100012345', '--lang', 'zh-CN'])
    expect(zh.stdout).toContain('捷德')
    expect(zh.stdout).toContain('常见问题 1、10.3')
  })

  it('--serial selects a key by its token serial, as on every command (the printed number is --key-number)', async () => {
    const { dir, state } = await lab()
    const picked = JSON.parse((await ukey(['detect', '--lab', '--lab-dir', dir, '--serial', state.token.serial, '--json'])).stdout)
    expect(picked.tokens.map((t: { token: { serial: string } }) => t.token.serial)).toEqual([state.token.serial])
    const other = await ukey(['detect', '--lab', '--lab-dir', dir, '--serial', '9999999999999999', '--json'])
    expect(other.code).toBe(3)
    expect(JSON.parse(other.stdout).tokens).toEqual([])
  })

  it('no key inserted: exit 3 and the 9002 advice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ukey-empty-'))
    writeFileSync(join(dir, 'softhsm2.conf'), `directories.tokendir = ${dir}\nobjectstore.backend = file\n`)
    const r = await ukey(['detect', '--module', '/usr/lib/softhsm/libsofthsm2.so', '--lang', 'en'], { env: { SOFTHSM2_CONF: join(dir, 'softhsm2.conf') } })
    expect(r.code).toBe(3)
    expect(r.stdout).toContain('check the key is inserted (FAQ 10.1)')
    const json = JSON.parse((await ukey(['detect', '--module', '/usr/lib/softhsm/libsofthsm2.so', '--json'], { env: { SOFTHSM2_CONF: join(dir, 'softhsm2.conf') } })).stdout)
    expect(json).toMatchObject({ verdict: 'no-token', tokens: [], exitCode: 3 })
    expect(schemaErrors('detect', json)).toEqual([])
  })

  it.each([
    ['/nonexistent/libvendor.so', 'PKCS11_MODULE_NOT_FOUND', 'does not exist'],
    ['/bin/ls', 'PKCS11_MODULE_INVALID', 'does not load'],
    ['/etc/hostname', 'PKCS11_MODULE_INVALID', 'does not load'],
  ])('module %s → %s, exit 3, install-the-tool advice', async (module, code, words) => {
    const r = await ukey(['detect', '--module', module, '--json', '--lang', 'en'])
    expect(r.code).toBe(3)
    const doc = JSON.parse(r.stdout)
    expect(schemaErrors('detect', doc)).toEqual([])
    expect(doc.verdict).toBe('no-module')
    expect(doc.modules[0].error).toMatchObject({ code })
    expect(doc.modules[0].error.message).toContain(words)
    expect(doc.advice).toContain('management tool')
    const human = await ukey(['detect', '--module', module, '--lang', 'zh-CN'])
    expect(human.stdout).toContain('管理工具')
    expect(human.stderr).not.toMatch(NO_STACK)
  })
})

describe('show-cert and check-window on the key', () => {
  it('reads the certificate off the token without a PIN', async () => {
    const { dir, state } = await lab()
    const r = await ukey(['check-window', '--lab', '--lab-dir', dir, '--output', 'ndjson'])
    const [cert] = ndjson(r.stdout)
    expect(cert).toMatchObject({ source: `token:${state.token.serial}`, format: 'token', certificate: { window: { state: 'renewable' }, subject: { cn: '张三 (lab)' } } })
    expect(r.code).toBe(10)
    const shown = JSON.parse((await ukey(['show-cert', '--lab', '--lab-dir', dir, '--json'])).stdout)
    expect(shown.lab).toBe(true)
    expect(shown.certificates[0]).toMatchObject({ format: 'token', certificate: { key: { algorithm: 'EC', curve: 'P-256' }, issuer: { cn: expect.stringContaining('not a bank') } } })
  })

  it('a certificate already expired in grace, and one lapsed', async () => {
    const grace = await lab(['--expires-in', '-10'])
    expect((await ukey(['check-window', '--lab', '--lab-dir', grace.dir, '--quiet'])).code).toBe(11)
    const lapsed = await lab(['--expires-in', '-100'])
    const r = await ukey(['check-window', '--lab', '--lab-dir', lapsed.dir, '--lang', 'en'])
    expect(r.code).toBe(12)
    expect(r.stdout).toContain('counter')
  })

  it('--serial picks the key; a serial that is not plugged in is exit 3', async () => {
    const { dir, state } = await lab()
    expect((await ukey(['check-window', '--lab', '--lab-dir', dir, '--serial', state.token.serial, '--quiet'])).code).toBe(10)
    const r = await ukey(['check-window', '--lab', '--lab-dir', dir, '--serial', '9999999999999999'])
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('9999999999999999')
  })

  it('two keys plugged in: --token reads both, --login without a selector is refused (exit 2), --label picks one', async () => {
    const { dir, state } = await lab()
    execFileSync('softhsm2-util', ['--init-token', '--free', '--label', 'second-key', '--so-pin', '87654321', '--pin', '11112222'], { env: { ...process.env, SOFTHSM2_CONF: state.conf }, stdio: 'ignore' })
    const both = await ukey(['detect', '--lab', '--lab-dir', dir, '--json'])
    expect(JSON.parse(both.stdout).tokens).toHaveLength(2)
    const all = await ukey(['check-window', '--lab', '--lab-dir', dir, '--token', '--output', 'ndjson'])
    expect(ndjson(all.stdout).filter((x) => x['type'] === 'error')).toEqual([expect.objectContaining({ code: 'TOKEN_NO_CERTIFICATE' })])
    // Logging in to two customers' keys with one PIN is refused: a selector must pick one (exit 2).
    const ambiguous = await ukey(['check-window', '--lab', '--lab-dir', dir, '--login', '--lang', 'en'], { env: { UKEY_PIN: '123456' } })
    expect(ambiguous.code).toBe(2)
    expect(ambiguous.stderr).toContain('2 USB keys are plugged in: choose one with --serial or --label')
    expect(ambiguous.stderr).toContain(state.token.serial)
    const zh = await ukey(['check-window', '--lab', '--lab-dir', dir, '--login', '--lang', 'zh-CN'], { env: { UKEY_PIN: '123456' } })
    expect(zh.stderr).toContain('插入了 2 个网银盾')
    const d = JSON.parse((await ukey(['detect', '--lab', '--lab-dir', dir, '--json'])).stdout)
    expect(d.tokens.map((t: { pin: { state: string } }) => t.pin.state)).toEqual(['ok', 'ok'])
    const byLabel = await ukey(['show-cert', '--lab', '--lab-dir', dir, '--label', 'ukey-lab', '--json'])
    expect(byLabel.code).toBe(0)
    expect(JSON.parse(byLabel.stdout).certificates).toHaveLength(1)
  })

  it('--login with the right PIN passes; a wrong PIN is exit 3 and leaves the count-low flag', async () => {
    const { dir } = await lab()
    expect((await ukey(['check-window', '--lab', '--lab-dir', dir, '--login', '--quiet'], { env: { UKEY_PIN: '123456' } })).code).toBe(10)
    const wrong = await ukey(['check-window', '--lab', '--lab-dir', dir, '--login', '--lang', 'en'], { env: { UKEY_PIN: '654321' } })
    expect(wrong.code).toBe(3)
    expect(wrong.stderr).toContain('wrong PIN')
    const d = JSON.parse((await ukey(['detect', '--lab', '--lab-dir', dir, '--json'])).stdout)
    expect(d.tokens[0].pin.state).toBe('count-low')
  })

  it('a certificate whose private key is gone is reported: CERT_WITHOUT_KEY, exit 3', async () => {
    const { dir, state } = await lab()
    execFileSync('pkcs11-tool', ['--module', state.module, '--login', '--pin', '123456', '--delete-object', '--type', 'privkey', '--id', state.certificate.id], { env: { ...process.env, SOFTHSM2_CONF: state.conf }, stdio: 'ignore' })
    const r = await ukey(['check-window', '--lab', '--lab-dir', dir, '--login', '--output', 'ndjson'], { env: { UKEY_PIN: '123456' } })
    const recs = ndjson(r.stdout)
    expect(recs.find((x) => x['type'] === 'error')).toMatchObject({ code: 'CERT_WITHOUT_KEY' })
    expect(r.code).toBe(10) // the certificate is still renewable: the worst outcome wins
  })

  it('no certificate on the key: TOKEN_NO_CERTIFICATE, exit 3', async () => {
    const { dir, state } = await lab()
    execFileSync('pkcs11-tool', ['--module', state.module, '--login', '--pin', '123456', '--delete-object', '--type', 'cert', '--id', state.certificate.id], { env: { ...process.env, SOFTHSM2_CONF: state.conf }, stdio: 'ignore' })
    const r = await ukey(['show-cert', '--lab', '--lab-dir', dir, '--lang', 'en'])
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('holds no certificate')
  })
})
