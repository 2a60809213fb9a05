// Two command-line guards, on the fast path (bin/run.js → dist/fast) and on oclif:
// --at refuses a date that does not exist (Date.parse rolled 2026-02-30 over to
// 2026-03-02), and a secret-looking flag's value is never echoed.
import { describe, expect, it } from 'vitest'
import { parseAt } from '../../src/app/instant.js'
import { fixture, ukey } from '../helpers/cli.js'

const RSA = fixture('rsa.pem')
const PATHS = [['fast', {}], ['oclif', { UKEY_NO_FAST_PATH: '1' }]] as const

describe('--at: dates that do not exist are usage errors (exit 2), naming the value', () => {
  const missing = [
    ['2026-02-30', '2026-02 has 28 days'],
    ['2026-04-31', '2026-04 has 30 days'],
    ['2025-02-29', '2025-02 has 28 days'],
    ['2026-13-01', 'there is no month 13'],
    ['2026-01-01T24:00', '24:00:00 is not a time of day'],
    ['2026-01-01T12:60Z', '12:60:00 is not a time of day'],
    ['2026-01-01T12:00+24:00', '24:00 is not a UTC offset'],
  ]
  it.each(PATHS)('check-window (%s path)', async (_path, env) => {
    for (const [value, why] of missing) {
      const r = await ukey(['check-window', RSA, '--at', value!], { env })
      expect(r.code, value).toBe(2)
      expect(r.stdout, value).toBe('')
      expect(r.stderr.split('\n')[0], value).toBe(`Error: --at "${value}": no such date or time (${why})`)
    }
  })

  it('show-cert', async () => {
    const r = await ukey(['show-cert', RSA, '--at', '2026-02-30'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--at "2026-02-30": no such date or time')
  })

  it('dates that exist still parse, leap days included', () => {
    expect(parseAt('2024-02-29').toISOString()).toBe('2024-02-29T00:00:00.000Z')
    expect(parseAt('2000-02-29T23:59:59Z').toISOString()).toBe('2000-02-29T23:59:59.000Z')
    expect(parseAt('2026-12-01T08:00+08:00').toISOString()).toBe('2026-12-01T00:00:00.000Z')
    expect(() => parseAt('1900-02-29')).toThrow(expect.objectContaining({ key: 'usage.atNoDay', params: { value: '1900-02-29', month: '1900-02', days: 28 } }))
  })
})

describe('a secret-looking flag: the usage error names the flag, never its value', () => {
  const SECRET = '739264'
  const lines = [
    ['check-window', RSA, `--pin=${SECRET}`],
    ['check-window', RSA, '--pin', SECRET],
    ['check-window', RSA, `--password=${SECRET}`],
    ['check-window', RSA, `--so-pin=${SECRET}`],
    ['check-window', RSA, `--pin-stdin=${SECRET}`],
    ['show-cert', RSA, `--user-pin=${SECRET}`],
    ['renew', '--lab', `--so-pin=${SECRET}`],
    ['renew', '--lab', '--pin', SECRET],
    ['diagnose', '0124', `--passphrase=${SECRET}`],
    [`--pin=${SECRET}`],
  ]
  it.each(PATHS)('%s path', async (_path, env) => {
    for (const argv of lines) {
      const r = await ukey(argv, { env })
      const flag = argv.find((w) => w.startsWith('--') && /pin|pass/.test(w))!.split('=')[0]!
      expect(r.code, argv.join(' ')).toBe(2)
      expect(r.stdout + r.stderr, argv.join(' ')).not.toContain(SECRET)
      expect(r.stderr, argv.join(' ')).toContain(`Error: ${flag}: ukey never takes a PIN or password on the command line`)
    }
  })

  it('a known flag without a value is not taken for a secret: the word after --password-stdin is an input', async () => {
    const r = await ukey(['check-window', '--password-stdin', RSA, '--output', 'ndjson'])
    expect(r.code).toBe(0)
  })
})
