import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { FIXTURES, fixture, ukey } from '../helpers/cli.js'
import { schemaErrors } from '../helpers/schemas.js'

interface ManifestCert {
  serial: string
  subjectCN: string
  sha256: string
  sha1: string
  keyBits: number
  subjectKeyIdentifier: string | null
  authorityKeyIdentifier: string | null
  selfSigned: boolean
  notAfter: string
}
const manifest = JSON.parse(readFileSync(`${FIXTURES}/manifest.json`, 'utf8')) as { files: Record<string, { certificates: ManifestCert[] }> }
const witness = (file: string, i = 0): ManifestCert => manifest.files[file]!.certificates[i]!
const plainHex = (s: string | null) => s?.replace(/:/g, '').toLowerCase() ?? null

describe('show-cert --json agrees with openssl (the manifest is openssl\'s own output)', () => {
  it.each(['rsa.pem', 'rsa.der', 'ec.pem', 'sm2.pem', 'bmp.pem', 'trusted.pem'])('%s', async (file) => {
    const r = await ukey(['show-cert', fixture(file), '--json'])
    expect(r.code).toBe(0)
    const doc = JSON.parse(r.stdout)
    expect(schemaErrors('show-cert', doc)).toEqual([])
    const { certificate: c, details } = doc.certificates[0]
    const w = witness(file)
    expect(c.serial).toBe(w.serial.toLowerCase().replace(/^0+(?=.)/, ''))
    expect(c.fingerprints).toEqual({ sha256: plainHex(w.sha256) })
    expect(details.sha1).toBe(plainHex(w.sha1))
    expect(details.subjectKeyIdentifier).toBe(plainHex(w.subjectKeyIdentifier))
    expect(details.authorityKeyIdentifier).toBe(plainHex(w.authorityKeyIdentifier))
    // RSA by size; EC and SM2 by a curve of the bits openssl states.
    expect(c.key.size ?? { 'P-256': 256, 'P-384': 384, sm2p256v1: 256 }[c.key.curve as string]).toBe(w.keyBits)
    expect(details.selfSigned).toBe(w.selfSigned)
    expect(c.notAfter).toBe(new Date(w.notAfter).toISOString())
    expect(c.subject.cn).toBe(w.subjectCN)
    expect(c.subject.dn).toMatch(new RegExp(`^CN=${w.subjectCN},`))
  })

  it('names the national algorithms: SM2 key, SM3withSM2 signature', async () => {
    const c = JSON.parse((await ukey(['show-cert', fixture('sm2.pem'), '--json'])).stdout).certificates[0]
    expect(c.certificate.key).toEqual({ algorithm: 'SM2', curve: 'sm2p256v1' })
    expect(c.details.signatureAlgorithm).toBe('SM3withSM2')
  })

  it('lists key usage and extended key usage by name', async () => {
    const c = JSON.parse((await ukey(['show-cert', fixture('rsa.pem'), '--json'])).stdout).certificates[0].details
    expect(c.keyUsage).toEqual(['digitalSignature', 'nonRepudiation', 'keyEncipherment'])
    expect(c.extendedKeyUsage).toEqual(['clientAuth', 'emailProtection'])
    expect(c.isCA).toBe(false)
  })

  it('shows every certificate of a bundle and a PKCS#12', async () => {
    const p7 = JSON.parse((await ukey(['show-cert', fixture('bundle.p7b'), '--json'])).stdout)
    expect(p7.certificates.map((c: { index: number }) => c.index)).toEqual([1, 2, 3])
    const p12 = await ukey(['show-cert', fixture('aes.p12'), '--json', '--password-stdin'], { stdin: 'test-p12-pass\n' })
    const doc = JSON.parse(p12.stdout)
    expect(doc.certificates[0].certificate.fingerprints.sha256).toBe(plainHex(witness('aes.p12').sha256))
    expect(p12.stdout + p12.stderr).not.toContain('test-p12-pass')
  })
})

describe('show-cert for people', () => {
  it('a Chinese card with aligned labels, local time and UTC', async () => {
    const r = await ukey(['show-cert', fixture('rsa.pem'), '--lang', 'zh-CN', '--tz', 'Asia/Shanghai', '--at', '2026-12-15T00:00:00Z'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('使用者')
    expect(r.stdout).toContain('2027-01-01 08:00:00 +08:00  (2027-01-01 00:00:00 UTC)')
    expect(r.stdout).toContain('可换证')
    expect(r.stdout).toContain('剩余天数')
    // Values start in one column whatever the label's width.
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('  '))
    const { displayWidth: stringWidth } = await import('../../src/output/width.js')
    const starts = new Set(lines.map((l) => stringWidth(l.match(/^\s+\S+(?:\s\S+)*?\s{2,}/)?.[0] ?? '')))
    expect(starts.size).toBe(1)
  })

  it('an English card says what to do for a lapsed certificate', async () => {
    const r = await ukey(['show-cert', fixture('rsa.pem'), '--lang', 'en', '--at', '2027-06-01T00:00:00Z'])
    expect(r.stdout).toContain('Renewal state')
    expect(r.stdout).toContain('lapsed')
    expect(r.stdout).toContain('expired 151 days ago')
    expect(r.stdout).toContain('counter')
  })

  it('bad inputs are reported, the others still shown, exit 3', async () => {
    const r = await ukey(['show-cert', fixture('bad/truncated.der'), fixture('ec.pem'), '--lang', 'en'])
    expect(r.code).toBe(3)
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringContaining('truncated')])
    expect(r.stdout).toContain('EC P-256 256 bits')
  })
})

describe('help and exit codes', () => {
  it('`ukey help exit-codes` documents the contract', async () => {
    const r = await ukey(['help', 'exit-codes'])
    expect(r.code).toBe(0)
    for (const code of ['0', '1', '2', '3', '10', '11', '12', '13', '20', '21', '30', '31', '130']) expect(r.stdout).toMatch(new RegExp(`^\\s*${code}  `, 'm'))
    expect(r.stdout).toContain('12 > 11 > 10 > 13 > 3 > 0')
  })

  it('`ukey exit-codes --json` lists every code', async () => {
    const doc = JSON.parse((await ukey(['exit-codes', '--json'])).stdout)
    expect(schemaErrors('exit-codes', doc)).toEqual([])
    const codes = doc.codes.map((x: { code: number }) => x.code)
    expect(codes).toEqual([0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 30, 31, 130])
  })

  it('every command has examples in its help', async () => {
    for (const cmd of ['check-window', 'show-cert', 'lab samples', 'renew', 'diagnose', 'detect']) {
      const r = await ukey([...cmd.split(' '), '--help'])
      expect(r.code, cmd).toBe(0)
      expect(r.stdout, cmd).toContain('EXAMPLES')
    }
  })
})

describe('lab samples', () => {
  it('writes one certificate per state that check-window classifies as named', async () => {
    const { mkdtempSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const dir = mkdtempSync(`${tmpdir()}/ukey-lab-`)
    const made = await ukey(['lab', 'samples', '--dir', dir, '--json'])
    expect(made.code).toBe(0)
    const doc = JSON.parse(made.stdout)
    expect(schemaErrors('lab-samples', doc)).toEqual([])
    const files = doc.files as Array<{ file: string; state: string; certificate: object }>
    expect(files.map((f) => f.state).sort()).toEqual(['grace', 'lapsed', 'not-yet-valid', 'renewable', 'valid'])
    for (const f of files) {
      const r = await ukey(['check-window', f.file, '--json'])
      const checked = JSON.parse(r.stdout).certificates[0].certificate
      expect(checked.window.state, f.file).toBe(f.state)
      // lab samples names each certificate as check-window does (one vocabulary); the day counts
      // are left out: the two commands run a moment apart and a count may tick over between them.
      const stable = (c: { window: Record<string, unknown> }) => ({ ...c, window: { ...c.window, daysLeft: 0, daysSinceExpiry: 0 } })
      expect(stable(checked)).toEqual(stable(f.certificate as { window: Record<string, unknown> }))
    }
    const chained = await ukey(['show-cert', `${dir}/renewable.pem`, '--json'])
    expect(JSON.parse(chained.stdout).certificates[0].certificate.issuer.cn).toContain('not a bank')
  })
})
