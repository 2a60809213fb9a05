import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { readStoreCertificates } from '../../src/hardware/store-certificates.js'
import { UkeyError } from '../../src/errors.js'
import { fixture, ukey } from '../helpers/cli.js'

// The Windows store itself is tested as a Windows program (test/windows/store.test.ts);
// here: what --store does elsewhere, and how store entries become certificate events.
describe('--store outside Windows', () => {
  it.each(['show-cert', 'check-window'])('%s --store my says the store is Windows-only (exit 3, en and zh)', async (cmd) => {
    const en = await ukey([cmd, '--store', 'my', '--lang', 'en'])
    expect(en.code).toBe(3)
    expect(en.stderr).toContain('--store my reads the Windows certificate store: it exists only on Windows')
    const zh = await ukey([cmd, '--store', 'my', '--lang', 'zh-CN'])
    expect(zh.code).toBe(3)
    expect(zh.stderr).toContain('只在 Windows 上存在')
  })

  it('files named with --store are still read (the store error does not hide them)', async () => {
    const r = await ukey(['check-window', '--store', 'my', '--json', '--at', '2026-12-15T00:00:00Z', fixture('rsa.pem')])
    expect(r.code).toBe(10) // renewable (10) is more severe than the input error (3)
    const doc = JSON.parse(r.stdout) as { certificates: Array<{ certificate: { window: { state: string } } }>; errors: Array<{ code: string }> }
    expect(doc.certificates.map((c) => c.certificate.window.state)).toEqual(['renewable'])
    expect(doc.errors.map((e) => e.code)).toEqual(['STORE_WINDOWS_ONLY'])
  })
})

describe('store entries as certificate events', () => {
  it('each certificate with its key provider when the store names one; a bad entry is an error, the rest go on', async () => {
    const der = readFileSync(fixture('rsa.der'))
    const batches = []
    for await (const b of readStoreCertificates('my', async () => [
      { der, keyProvider: { provider: 'WatchData CSP v3.0', container: 'c1', providerType: 1, keySpec: 1 } },
      { der: Buffer.from('not a certificate') },
      { der },
    ])) batches.push(...b)
    expect(batches.map((e) => [e.type, e.source, e.type === 'certificate' ? e.keyProvider : e.error.code])).toEqual([
      ['certificate', 'store:my', 'WatchData CSP v3.0'],
      ['error', 'store:my#2', 'CERT_TRUNCATED'],
      ['certificate', 'store:my', undefined],
    ])
  })

  it('a store that cannot be read is one error event, not a crash', async () => {
    const events = []
    for await (const b of readStoreCertificates('my', () => Promise.reject(new UkeyError('STORE_UNREADABLE', { params: { store: 'my', detail: 'x' } })))) events.push(...b)
    expect(events).toMatchObject([{ type: 'error', source: 'store:my', error: { code: 'STORE_UNREADABLE' } }])
  })
})
