import { mkdtempSync, copyFileSync, mkdirSync, writeFileSync, truncateSync, chmodSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { fixture, ndjson, ukey } from '../helpers/cli.js'
import { schemaErrors } from '../helpers/schemas.js'

// rsa.pem: notBefore 2026-01-01T00:00:00Z, notAfter 2027-01-01T00:00:00Z (test/fixtures/certs/manifest.json).
const RSA = fixture('rsa.pem')
const NO_STACK = /\n\s+at .+:\d+:\d+/

describe('check-window: state boundaries through the CLI, to the second', () => {
  it.each([
    ['2025-12-31T23:59:59Z', 'not-yet-valid', 13],
    ['2026-01-01T00:00:00Z', 'valid', 0],
    ['2026-12-01T23:59:59Z', 'valid', 0], // window opens 2026-12-02T00:00:00Z (notAfter − 30 d)
    ['2026-12-02T00:00:00Z', 'renewable', 10],
    ['2027-01-01T00:00:00Z', 'renewable', 10], // notAfter itself
    ['2027-01-01T00:00:01Z', 'grace', 11],
    ['2027-04-01T00:00:00Z', 'grace', 11], // window closes (notAfter + 90 d)
    ['2027-04-01T00:00:01Z', 'lapsed', 12],
  ])('at %s → %s, exit %i', async (at, state, code) => {
    const r = await ukey(['check-window', RSA, '--at', at, '--output', 'ndjson'])
    expect(r.stderr).toBe('')
    const [cert, summary] = ndjson(r.stdout)
    expect(cert).toMatchObject({ type: 'certificate', certificate: { window: { state } }, exitCode: code })
    expect(summary).toMatchObject({ type: 'summary', exitCode: code, at: new Date(at).toISOString() })
    expect(r.code).toBe(code)
  })

  it('--quiet prints nothing and still exits with the state', async () => {
    const r = await ukey(['check-window', RSA, '--at', '2027-02-01T00:00:00Z', '--quiet'])
    expect(r).toMatchObject({ code: 11, stdout: '', stderr: '' })
  })

  it('takes the window from --profile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ukey-p-'))
    writeFileSync(join(dir, 'bank.json'), JSON.stringify({ name: 'Wide', window: { renewBeforeDays: 60, graceAfterDays: 10 } }))
    const r = await ukey(['check-window', RSA, '--at', '2026-11-05T00:00:00Z', '--json', '--profile', join(dir, 'bank.json')])
    const doc = JSON.parse(r.stdout)
    expect(doc.certificates[0].certificate.window.state).toBe('renewable')
    expect(doc.summary.profile).toMatchObject({ name: 'Wide', renewBeforeDays: 60, graceAfterDays: 10 })
    expect(r.code).toBe(10)
  })

  it('a bad profile names the field and the file, exit 3', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ukey-p-'))
    const file = join(dir, 'bank.json')
    writeFileSync(file, JSON.stringify({ window: { renewBeforeDays: 'thirty' } }))
    const r = await ukey(['check-window', RSA, '--profile', file])
    expect(r.code).toBe(3)
    expect(r.stderr).toContain(file)
    expect(r.stderr).toContain('window.renewBeforeDays')
    expect(r.stderr).not.toMatch(NO_STACK)
  })
})

describe('check-window: every input format', () => {
  const at = ['--at', '2026-12-15T00:00:00Z', '--output', 'ndjson']
  it.each([
    ['rsa.pem', 'pem', 1],
    ['rsa.der', 'der', 1],
    ['rsa.crt', 'pem', 1],
    ['ec.pem', 'pem', 1],
    ['chain.pem', 'pem', 3],
    ['bundle.p7b', 'pkcs7', 3],
    ['bundle-pem.p7b', 'pkcs7-pem', 3],
    ['trusted.pem', 'pem', 1],
    ['key-and-cert.pem', 'pem', 1],
    ['sm2.pem', 'pem', 1],
    ['bmp.pem', 'pem', 1],
    ['nopass.p12', 'pkcs12', 1],
  ])('%s → %s with %i certificate(s)', async (name, format, count) => {
    const r = await ukey(['check-window', fixture(name), ...at])
    const certs = ndjson(r.stdout).filter((x) => x['type'] === 'certificate')
    expect(r.stderr).toBe('')
    expect(certs).toHaveLength(count)
    for (const c of certs) expect(c['format']).toBe(format)
    expect(certs.map((c) => c['index'])).toEqual(Array.from({ length: count }, (_, i) => i + 1))
  })

  it('names SM2 keys', async () => {
    const r = await ukey(['check-window', fixture('sm2.pem'), '--output', 'ndjson'])
    expect(ndjson(r.stdout)[0]).toMatchObject({ certificate: { key: { algorithm: 'SM2', curve: 'sm2p256v1' } } })
  })

  it('reads standard input with -', async () => {
    const { readFileSync } = await import('node:fs')
    const r = await ukey(['check-window', '-', ...at], { stdin: readFileSync(RSA) })
    expect(ndjson(r.stdout)[0]).toMatchObject({ source: '-', certificate: { window: { state: 'renewable' } } })
    expect(r.code).toBe(10)
  })

  it('PKCS#12: password from stdin, from the environment; wrong and missing passwords are reported', async () => {
    const p12 = fixture('aes.p12')
    const viaStdin = await ukey(['check-window', p12, '--password-stdin', ...at], { stdin: 'test-p12-pass\n' })
    expect(ndjson(viaStdin.stdout)[0]).toMatchObject({ format: 'pkcs12', certificate: { window: { state: 'renewable' } } })
    const viaEnv = await ukey(['check-window', fixture('legacy.p12'), ...at], { env: { UKEY_P12_PASSWORD: 'test-p12-pass' } })
    expect(ndjson(viaEnv.stdout)[0]).toMatchObject({ format: 'pkcs12' })
    const wrong = await ukey(['check-window', p12, ...at], { env: { UKEY_P12_PASSWORD: 'nope' } })
    expect(ndjson(wrong.stdout)[0]).toMatchObject({ type: 'error', code: 'PKCS12_PASSWORD_WRONG' })
    expect(wrong.stderr).toContain('wrong PKCS#12 password')
    expect(wrong.stderr).not.toContain('nope')
    expect(wrong.code).toBe(3)
    const missing = await ukey(['check-window', p12, ...at])
    expect(ndjson(missing.stdout)[0]).toMatchObject({ type: 'error', code: 'PKCS12_PASSWORD_REQUIRED' })
    expect(missing.stderr).toContain('UKEY_P12_PASSWORD')
  })

  it('refuses --password-stdin together with - as input (one stdin), exit 2', async () => {
    const r = await ukey(['check-window', '-', '--password-stdin'])
    expect(r.code).toBe(2)
  })
})

describe('check-window: bad input gets one clear line, an exit code, and the batch goes on', () => {
  it.each([
    ['bad/empty.pem', 'INPUT_EMPTY', 'empty'],
    ['bad/binary.bin', 'NOT_A_CERTIFICATE', 'not a certificate'],
    ['bad/not-cert.txt', 'NOT_A_CERTIFICATE', 'not a certificate'],
    ['bad/key-only.pem', 'NOT_A_CERTIFICATE', 'not a certificate'],
    ['bad/broken-base64.pem', 'CERT_CORRUPT', 'damaged'],
    ['bad/truncated.der', 'CERT_TRUNCATED', 'truncated'],
    ['bad/truncated.pem', 'CERT_TRUNCATED', 'truncated'],
    ['bad/bad-date.pem', 'CERT_CORRUPT', 'damaged'],
    ['bad/garbage-after.der', 'CERT_CORRUPT', 'damaged'],
    ['bad/corrupt.p12', 'CERT_CORRUPT', ''],
    ['does-not-exist.pem', 'INPUT_NOT_FOUND', 'no such file'],
  ])('%s → %s, and the good file after it is still checked', async (name, code, words) => {
    const r = await ukey(['check-window', fixture(name), RSA, '--at', '2026-06-01T00:00:00Z', '--output', 'ndjson'], {
      env: { UKEY_P12_PASSWORD: 'test-p12-pass' },
    })
    const recs = ndjson(r.stdout)
    const err = recs.find((x) => x['type'] === 'error')
    if (code === 'CERT_CORRUPT' && name.endsWith('.p12')) expect(['CERT_CORRUPT', 'PKCS12_PASSWORD_WRONG', 'CERT_TRUNCATED']).toContain(err?.['code'])
    else expect(err).toMatchObject({ code, exitCode: 3 })
    expect(recs.filter((x) => x['type'] === 'certificate')).toHaveLength(1)
    const lines = r.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain(fixture(name))
    expect(lines[0]).toContain(words)
    expect(r.stderr).not.toMatch(NO_STACK)
    expect(r.code).toBe(3)
  })

  it('a file over the size limit is refused unread (1 GB sparse file)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ukey-big-'))
    const big = join(dir, 'huge.pem')
    writeFileSync(big, '')
    truncateSync(big, 1024 ** 3)
    const r = await ukey(['check-window', big, '--output', 'ndjson'])
    expect(ndjson(r.stdout)[0]).toMatchObject({ type: 'error', code: 'INPUT_TOO_LARGE' })
    expect(r.code).toBe(3)
  })

  it('a socket or other unreadable node is reported, not fatal', async () => {
    const net = await import('node:net')
    const dir = mkdtempSync(join(tmpdir(), 'ukey-sock-'))
    const sock = join(dir, 'agent.pem')
    const server = net.createServer().listen(sock)
    await new Promise((r) => server.once('listening', r))
    try {
      const r = await ukey(['check-window', sock, RSA, '--output', 'ndjson'])
      expect(ndjson(r.stdout)[0]).toMatchObject({ type: 'error', code: 'INPUT_UNREADABLE' })
      expect(r.code).toBe(3)
    } finally {
      server.close()
    }
  })

  it('a directory it may not read is reported and the rest goes on', async () => {
    const { spawnSync } = await import('node:child_process')
    const { ROOT, isolatedEnv } = await import('../helpers/cli.js')
    const dir = mkdtempSync(join(tmpdir(), 'ukey-perm-'))
    const locked = join(dir, 'locked')
    mkdirSync(locked)
    copyFileSync(RSA, join(locked, 'a.pem'))
    copyFileSync(RSA, join(dir, 'b.pem'))
    chmodSync(locked, 0o000)
    const args = [join(ROOT, 'bin/run.js'), 'check-window', '-r', dir, '--output', 'ndjson']
    // root reads everything; without the two DAC capabilities it meets permissions like anyone else.
    const r = process.getuid?.() === 0
      ? spawnSync('setpriv', ['--bounding-set', '-dac_override,-dac_read_search', process.execPath, ...args], { env: isolatedEnv(), encoding: 'utf8' })
      : spawnSync(process.execPath, args, { env: isolatedEnv(), encoding: 'utf8' })
    chmodSync(locked, 0o755)
    expect(r.error).toBeUndefined()
    const recs = ndjson(r.stdout)
    expect(recs.find((x) => x['type'] === 'error')).toMatchObject({ source: locked, code: 'INPUT_UNREADABLE' })
    expect(recs.filter((x) => x['type'] === 'certificate')).toHaveLength(1)
    expect(r.stderr).toContain('EACCES')
    expect(r.status).toBe(3)
  })
})

describe('check-window: batches and directories', () => {
  function tree(): string {
    const dir = mkdtempSync(join(tmpdir(), 'ukey-tree-'))
    mkdirSync(join(dir, 'sub'))
    copyFileSync(RSA, join(dir, 'a.pem'))
    copyFileSync(fixture('ec.pem'), join(dir, 'sub', 'b.crt'))
    writeFileSync(join(dir, 'README.txt'), 'not a certificate, not read in directories')
    return dir
  }

  it('reads certificate files of a directory; subdirectories only with --recursive', async () => {
    const dir = tree()
    const flat = ndjson((await ukey(['check-window', dir, '--output', 'ndjson'])).stdout)
    expect(flat.filter((x) => x['type'] === 'certificate').map((x) => x['source'])).toEqual([join(dir, 'a.pem')])
    const deep = await ukey(['check-window', '-r', dir, '--output', 'ndjson'])
    expect(ndjson(deep.stdout).filter((x) => x['type'] === 'certificate').map((x) => x['source'])).toEqual([join(dir, 'a.pem'), join(dir, 'sub', 'b.crt')])
  })

  it('the worst state wins across a batch: lapsed beats an input error', async () => {
    const r = await ukey(['check-window', fixture('bad/empty.pem'), RSA, '--at', '2028-01-01T00:00:00Z', '--quiet'])
    expect(r.code).toBe(12)
  })

  it('an input error beats valid certificates: exit 3', async () => {
    const r = await ukey(['check-window', RSA, fixture('nope.pem'), '--at', '2026-06-01T00:00:00Z', '--quiet'])
    expect(r.code).toBe(3)
  })
})

describe('check-window: output shapes', () => {
  const inputs = [fixture('chain.pem'), fixture('bad/empty.pem'), RSA]
  const at = ['--at', '2026-12-15T00:00:00Z']

  it('--json is one document matching docs/schema/check-window.schema.json', async () => {
    const r = await ukey(['check-window', ...inputs, ...at, '--json'])
    const doc = JSON.parse(r.stdout)
    expect(schemaErrors('check-window', doc)).toEqual([])
    expect(doc.certificates).toHaveLength(4)
    expect(doc.errors).toEqual([expect.objectContaining({ code: 'INPUT_EMPTY', source: fixture('bad/empty.pem') })])
    expect(doc.summary).toMatchObject({ certificates: 4, errors: 1 })
    expect(doc.exitCode).toBe(r.code)
  })

  it('--output ndjson: one record per line, each matching its schema, summary last', async () => {
    const recs = ndjson((await ukey(['check-window', ...inputs, ...at, '--output', 'ndjson'])).stdout)
    expect(recs.map((x) => x['type'])).toEqual(['certificate', 'certificate', 'certificate', 'error', 'certificate', 'summary'])
    for (const rec of recs) expect(schemaErrors('check-window', rec, `#/definitions/${rec['type']}`)).toEqual([])
    // NDJSON has no document around it: the summary line carries the head scripts pin.
    expect(recs.at(-1)).toMatchObject({ schemaVersion: 2, kind: 'ukey.check-window', lab: false })
  })

  it('--output csv: a header and one row per certificate or error', async () => {
    const r = await ukey(['check-window', ...inputs, ...at, '--output', 'csv'])
    const lines = r.stdout.trimEnd().split('\r\n')
    expect(lines[0]).toBe('source,index,format,subject,issuer,serial,key_algorithm,not_before,not_after,state,days_left,window_opens,window_closes,advice,error_code,error_message')
    expect(lines).toHaveLength(1 + 4 + 1)
    expect(lines.find((l) => l.includes('INPUT_EMPTY'))).toContain(fixture('bad/empty.pem'))
    expect(lines[lines.length - 1]).toMatch(/,renewable,/)
  })

  it('--output prometheus: valid text exposition, families grouped, one state set per certificate', async () => {
    const r = await ukey(['check-window', ...inputs, ...at, '--output', 'prometheus'])
    const lines = r.stdout.trimEnd().split('\n')
    const seen: string[] = []
    for (const l of lines) {
      if (l.startsWith('# TYPE ')) {
        const name = l.split(' ')[2]!
        expect(seen, `family ${name} appears twice`).not.toContain(name)
        seen.push(name)
      } else if (!l.startsWith('# HELP ')) {
        expect(l).toMatch(/^[a-z_]+(\{([a-z_]+="([^"\\]|\\.)*",?)*\})? -?[0-9.e+]+$/)
        expect(l.split(/[{ ]/)[0]).toBe(seen[seen.length - 1])
      }
    }
    const states = lines.filter((l) => l.startsWith('ukey_certificate_renewal_window_state{'))
    expect(states).toHaveLength(4 * 5)
    expect(states.filter((l) => l.endsWith(' 1'))).toHaveLength(4)
    expect(lines).toContain(`ukey_input_error{source="${fixture('bad/empty.pem')}",code="INPUT_EMPTY"} 1`)
    expect(lines).toContain(`ukey_check_timestamp_seconds ${Date.parse('2026-12-15T00:00:00Z') / 1000}`)
    expect(lines.some((l) => /^ukey_certificate_not_after_timestamp_seconds\{.*\} 1798761600$/.test(l))).toBe(true)
  })
})

describe('check-window: languages', () => {
  it('Chinese table and messages with --lang zh-CN, aligned by display width', async () => {
    const r = await ukey(['check-window', RSA, fixture('bad/empty.pem'), '--at', '2026-12-15T00:00:00Z', '--lang', 'zh-CN'])
    expect(r.stdout).toContain('可换证')
    expect(r.stdout).toContain('汇总：共 1 张证书')
    expect(r.stderr).toContain('错误：')
    expect(r.stderr).toContain('文件为空')
  })

  it('follows LANG when no --lang is given', async () => {
    const zh = await ukey(['check-window', RSA, '--at', '2026-12-15T00:00:00Z', '--output', 'ndjson'], { env: { LANG: 'zh_CN.UTF-8' } })
    expect(ndjson(zh.stdout)[0]!['advice']).toMatch(/请立即换证/)
    const en = await ukey(['check-window', RSA, '--at', '2026-12-15T00:00:00Z', '--output', 'ndjson'], { env: { LANG: 'en_US.UTF-8' } })
    expect(ndjson(en.stdout)[0]!['advice']).toMatch(/^Renew now/)
  })

  it('English table in TTY-free output has no colour codes', async () => {
    const r = await ukey(['check-window', RSA, '--at', '2027-06-01T00:00:00Z', '--lang', 'en'])
    expect(r.stdout).toContain('lapsed')
    expect(r.stdout).toContain('new USB key at a branch counter')
    expect(r.stdout).not.toContain('\u001b[')
  })
})

describe('usage errors exit 2 without a stack trace', () => {
  it.each([
    [['check-window', RSA, '--at', 'tomorrow']],
    [['check-window', RSA, '--output', 'xml']],
    [['check-window', RSA, '--frobnicate']],
    [['check-window']],
    [['check-window', RSA, '--tz', 'Mars/Base']],
  ])('%j', async (args) => {
    const r = await ukey(args)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^Error: /)
    expect(r.stderr).not.toMatch(NO_STACK)
    expect(r.stdout).toBe('')
  })
})
