import { X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { fixture } from '../helpers/cli.js'
import { userStore, winUkey } from '../helpers/wine.js'

// The Windows certificate store (CurrentUser\My) as the bank's enrolment page or
// the vendor's tool fills it: certificates added through crypt32, the key's
// provider set as CERT_KEY_PROV_INFO_PROP_ID. Emptied before each case.
const dir = mkdtempSync(join(tmpdir(), 'ukey-store-'))
const derOf = (pemFixture: string, name: string): string => {
  const path = join(dir, name)
  writeFileSync(path, new X509Certificate(readFileSync(fixture(pemFixture))).raw)
  return path
}
const RSA = fixture('rsa.der') // 张三, notAfter 2027-01-01T00:00:00Z (manifest.json)
const EC = derOf('ec.pem', 'ec.der')
const PROVIDER = { name: 'WatchData CSP v3.0', container: 'wd-3f2c1d' }

interface ShowDoc {
  certificates: Array<{ source: string; index: number; format: string; certificate: { subject: { dn: string; cn: string }; window: { state: string } }; keyProvider?: string }>
  exitCode: number
}

describe('Windows certificate store: --store my', () => {
  beforeEach(async () => {
    await userStore.clear()
  })

  it('show-cert --store my shows each certificate with the provider holding its key', async () => {
    await userStore.add(RSA, PROVIDER)
    await userStore.add(EC)
    const r = await winUkey(['show-cert', '--store', 'my', '--json', '--at', '2026-12-15T00:00:00Z'])
    expect(r.code, r.stderr).toBe(0)
    const doc = JSON.parse(r.stdout) as ShowDoc
    const rsa = doc.certificates.find((c) => c.certificate.subject.dn.includes('张三'))
    expect(rsa).toMatchObject({ source: 'store:my', format: 'store', certificate: { window: { state: 'renewable' } }, keyProvider: PROVIDER.name })
    expect(doc.certificates).toHaveLength(2)
    // A certificate without a private key here names no provider.
    expect(doc.certificates.find((c) => c !== rsa)).not.toHaveProperty('keyProvider')

    const card = await winUkey(['show-cert', '--store', 'my', '--lang', 'zh-CN'])
    expect(card.stdout).toMatch(new RegExp(`密钥提供程序\\s+${PROVIDER.name}`))
  })

  it('check-window --store my: the window state and its exit code', async () => {
    await userStore.add(RSA, PROVIDER)
    const cases = [
      ['2026-06-01T00:00:00Z', 'valid', 0],
      ['2026-12-15T00:00:00Z', 'renewable', 10],
      ['2027-02-01T00:00:00Z', 'grace', 11],
      ['2027-06-01T00:00:00Z', 'lapsed', 12],
    ] as const
    for (const [at, state, code] of cases) {
      const r = await winUkey(['check-window', '--store', 'my', '--json', '--at', at])
      expect(r.code, `${at}: ${r.stderr}`).toBe(code)
      expect((JSON.parse(r.stdout) as ShowDoc).certificates).toEqual([expect.objectContaining({ source: 'store:my', certificate: expect.objectContaining({ window: expect.objectContaining({ state }) }), format: 'store' })])
    }
  })

  it('an empty store shows nothing and is no error; files and the store read together', async () => {
    const empty = await winUkey(['show-cert', '--store', 'my', '--json'])
    expect(empty.code).toBe(0)
    expect((JSON.parse(empty.stdout) as ShowDoc).certificates).toEqual([])
    await userStore.add(EC)
    const both = await winUkey(['check-window', '--store', 'my', '--json', '--at', '2027-06-01T00:00:00Z', 'Z:' + RSA.replace(/\//g, '\\')])
    const sources = (JSON.parse(both.stdout) as ShowDoc).certificates.map((c) => c.source)
    expect(sources).toEqual([expect.stringMatching(/^Z:\\.*rsa\.der$/), 'store:my'])
  })
})

describe('diagnose on Windows reads the store by default (FAQ 10.1/11.1: the computer where the certificate is installed)', () => {
  beforeEach(async () => {
    await userStore.clear()
  })

  interface DiagnoseDoc {
    exitCode: number
    steps: Array<{ faq: string | null; outcome: string; checks: Array<{ id: string; outcome: string }>; evidence: string[] }>
  }

  it('9002 with no key but a certificate in the store: the key step passes on the installed certificate', async () => {
    await userStore.add(RSA, PROVIDER)
    const r = await winUkey(['diagnose', '9002', '--json', '--no-input', '--lang', 'en'])
    const doc = JSON.parse(r.stdout) as DiagnoseDoc
    const first = doc.steps[0]!
    expect(first).toMatchObject({ faq: '11.1', outcome: 'pass' })
    expect(first.checks).toContainEqual(expect.objectContaining({ id: 'soft-certificate', outcome: 'pass' }))
    expect(first.evidence.join('\n')).toContain(`certificate "张三" (expires 2027-01-01) installed on this computer (Windows certificate store, Personal); its key is held by ${PROVIDER.name}`)
    expect(r.code).toBe(doc.exitCode)
    expect(r.code).not.toBe(20)
  })

  it('9002 with no key and an empty store: insert the key (exit 20), the store named as looked at', async () => {
    const r = await winUkey(['diagnose', '9002', '--json', '--no-input', '--lang', 'en'])
    const doc = JSON.parse(r.stdout) as DiagnoseDoc
    expect(r.code).toBe(20)
    expect(doc.steps[0]).toMatchObject({ faq: '11.1', outcome: 'fail' })
    expect(doc.steps[0]!.evidence.join('\n')).toContain('no certificate in store:my')
  })
})
