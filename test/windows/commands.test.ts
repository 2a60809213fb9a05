import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, fixture } from '../helpers/cli.js'
import { userStore, winPath, winUkey } from '../helpers/wine.js'

const THREAD_PROBE = join(ROOT, 'test/helpers/thread-probe.mjs')

// Every command's paths that need no hardware, run as a Windows program.
describe('Windows: ukey as node.exe under Wine', () => {
  it('runs as win32 and prints help with every command', async () => {
    const r = await winUkey(['--help'])
    expect(r.code).toBe(0)
    for (const c of ['check-window', 'show-cert', 'detect', 'diagnose', 'renew', 'exit-codes']) expect(r.stdout).toContain(c)
  })

  it('exit-codes lists the documented table', async () => {
    const r = await winUkey(['exit-codes', '--json'])
    expect(r.code).toBe(0)
    const table = JSON.parse(r.stdout) as unknown
    expect(JSON.stringify(table)).toContain('"lapsed"')
  })

  it('check-window reads a file named with backslashes (a Windows path), fast path and oclif alike', async () => {
    const path = winPath(fixture('rsa.pem'))
    expect(path).toMatch(/^Z:\\.*\\rsa\.pem$/)
    for (const env of [{}, { UKEY_NO_FAST_PATH: '1' }] as Array<Record<string, string>>) {
      const r = await winUkey(['check-window', '--json', '--at', '2026-12-15T00:00:00Z', path], { env })
      expect(r.code, r.stderr).toBe(10) // renewable: within 30 days of 2027-01-01
      const doc = JSON.parse(r.stdout) as { certificates: Array<{ source: string; certificate: { window: { state: string } } }> }
      expect(doc.certificates).toEqual([expect.objectContaining({ source: path, certificate: expect.objectContaining({ window: expect.objectContaining({ state: 'renewable' }) }) })])
    }
  })

  it('check-window on a directory named with backslashes walks it with Windows separators', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ukey-win-dir-'))
    copyFileSync(fixture('rsa.der'), join(dir, 'customer.cer'))
    copyFileSync(fixture('ec.pem'), join(dir, 'other.pem'))
    const r = await winUkey(['check-window', '--output', 'ndjson', '--at', '2027-06-01T00:00:00Z', winPath(dir)])
    const sources = r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { source?: string }).source).filter(Boolean)
    expect(sources).toEqual([`${winPath(dir)}\\customer.cer`, `${winPath(dir)}\\other.pem`])
  })

  // Past the first 2,048 files the reading thread reads them (node:fs on Windows: no openat)
  // and answers in a ring of shared memory that later batches overwrite (file-reader.ts):
  // 6,000 files are 16 batches for it, in two slots (UKEY_RING_SLOTS) used again and again,
  // through a Windows path, byte for byte as with no thread (test/helpers/thread-probe.mjs
  // counts the answers and the slots).
  it('check-window over 6,000 files: the reading thread and its ring print what no thread prints', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ukey-win-batch-'))
    const sources = ['rsa.pem', 'ec.pem', 'sm2.pem', 'rsa.der']
    for (let i = 0; i < 6000; i++) {
      const sub = join(dir, String(Math.floor(i / 1000)))
      if (i % 1000 === 0) mkdirSync(sub)
      const src = sources[i % sources.length]!
      copyFileSync(fixture(src), join(sub, `f${String(i).padStart(4, '0')}${src.slice(src.lastIndexOf('.'))}`))
    }
    const args = ['check-window', '-r', '--output', 'ndjson', '--at', '2026-12-15T00:00:00Z', winPath(dir)]
    const probeOut = join(dir, 'probe.json')
    // node.exe takes --import as a URL: file:///Z:/… for the Windows path.
    const probeUrl = encodeURI(`file:///${winPath(THREAD_PROBE).replace(/\\/g, '/')}`)
    const probe = { NODE_OPTIONS: `--import=${probeUrl}`, THREAD_PROBE_OUT: winPath(probeOut), UKEY_RING_SLOTS: '2' }
    const [threaded, single] = await Promise.all([winUkey(args, { env: probe }), winUkey(args, { env: { UKEY_READ_THREAD: 'off' } })])
    expect(single.code, single.stderr).toBe(10)
    expect(single.stdout.trim().split('\n')).toHaveLength(6001)
    expect(threaded).toEqual(single)
    const seen = JSON.parse(readFileSync(probeOut, 'utf8')) as { plainThreads: number; ringAnswers: number; ringSlots: number }
    expect(seen.plainThreads).toBe(1)
    // More answers in the ring than slots they came in: a slot was used again.
    expect(seen.ringAnswers).toBeGreaterThan(seen.ringSlots)
    rmSync(dir, { recursive: true, force: true })
  }, 120_000)

  it('show-cert on a file shows the card; a missing file is exit 3 with its Windows path', async () => {
    const ok = await winUkey(['show-cert', '--lang', 'en', winPath(fixture('rsa.crt'))])
    expect(ok.code).toBe(0)
    expect(ok.stdout).toContain('Subject')
    const missing = await winUkey(['show-cert', 'C:\\nowhere\\customer.cer'])
    expect(missing.code).toBe(3)
    expect(missing.stderr).toContain('C:\\nowhere\\customer.cer')
    expect(missing.stderr).not.toMatch(/\n\s+at /) // no stack trace
  })

  it('detect with nothing plugged: the USB bus cannot be listed here (Windows advice, never libudev)', async () => {
    for (const lang of ['en', 'zh-CN']) {
      const r = await winUkey(['detect', '--json', '--lang', lang])
      expect(r.code).toBe(3)
      const doc = JSON.parse(r.stdout) as { usbErrors: Array<{ code: string; message: string }>; verdict: string }
      expect(doc.verdict).toBe('no-module')
      expect(doc.usbErrors.map((e) => e.code)).toContain('USB_UNAVAILABLE')
      const text = doc.usbErrors.map((e) => e.message).join('\n')
      expect(text).toMatch(lang === 'en' ? /cannot be listed here.*Device Manager/s : /无法列出 USB 设备.*设备管理器/s)
      expect(text + r.stderr).not.toMatch(/libudev|libusb-1\.0-0/)
    }
  })

  it('diagnose 9002 without a key or a certificate: a verdict, no Linux advice, no crash', async () => {
    await userStore.clear()
    const r = await winUkey(['diagnose', '9002', '--json', '--no-input', '--lang', 'en'])
    expect(r.stderr).not.toMatch(/\n\s+at /)
    const doc = JSON.parse(r.stdout) as { exitCode: number; verdict: unknown }
    expect(doc.exitCode).toBe(r.code)
    expect(r.code).toBe(20) // action needed: insert the key (FAQ 11.1)
    expect(r.stdout).not.toMatch(/libudev|--soft-store\)/)
  })

  it('--store with a name it does not know is a usage error', async () => {
    const r = await winUkey(['show-cert', '--store', 'nss'])
    expect(r.code).toBe(2)
  })
})
