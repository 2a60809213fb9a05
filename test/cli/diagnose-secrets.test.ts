import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ukey } from '../helpers/cli.js'

// Cannot occur by chance in other output (serials, ids and dates are digits or hex).
const PIN = 'Sx-73591-q'
const WRONG = 'Wr-864220-z'

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    const st = statSync(p)
    return st.isDirectory() ? filesUnder(p) : st.isFile() ? [p] : []
  })
}

describe('diagnose: the PIN appears nowhere', () => {
  it('through UKEY_PIN, --pin-stdin, a wrong PIN, --debug and --json, on every code and the health check', async () => {
    const base = mkdtempSync(join(tmpdir(), 'ukey-diag-secret-'))
    const dir = join(base, 'lab')
    expect((await ukey(['lab', 'init', '--dir', dir, '--key', 'ec-p256', '--pin-stdin'], { stdin: `${PIN}\n` })).code).toBe(0)
    const lab = ['--lab', '--lab-dir', dir, '--allow-keygen', '--no-input']
    const runs = [
      await ukey(['diagnose', '403.7', ...lab, '--json'], { env: { UKEY_PIN: PIN } }),
      await ukey(['diagnose', '0124', ...lab, '--pin-stdin', '--debug'], { stdin: `${PIN}\n` }),
      await ukey(['diagnose', ...lab, '--json', '--debug'], { env: { UKEY_PIN: PIN } }),
      await ukey(['diagnose', '0116', ...lab, '--json', '--debug'], { env: { UKEY_PIN: WRONG } }),
      await ukey(['diagnose', '403.7', ...lab, '--pin-stdin', '--lang', 'en'], { stdin: `${WRONG}\n` }),
      await ukey(['diagnose', '0124', ...lab, '--pin-stdin', '--lang', 'zh-CN'], { stdin: `${WRONG}\n` }),
    ]
    expect(runs[0]!.code).toBe(0)
    expect(JSON.parse(runs[0]!.stdout).steps.find((s: { checkIds: string[] }) => s.checkIds.includes('key-signs')).outcome).toBe('pass')
    expect(runs[1]!.stdout).toContain('generated a test key pair')
    // A wrong PIN makes the checks that need it unknown, with the reason, and never the PIN.
    expect(runs[3]!.stdout).toContain('wrong PIN: not checked')
    expect(runs[4]!.stdout).toContain('wrong PIN: not checked')
    expect(runs[5]!.stdout).toContain('PIN 码错误')
    for (const r of runs) {
      for (const text of [r.stdout, r.stderr]) {
        expect(text).not.toContain(PIN)
        expect(text).not.toContain(WRONG)
      }
    }
    for (const f of filesUnder(base)) {
      const body = readFileSync(f, 'latin1')
      expect(body, f).not.toContain(PIN)
      expect(body, f).not.toContain(WRONG)
    }
  })

  it('has no --pin flag to put a PIN in argv', async () => {
    const r = await ukey(['diagnose', '0124', '--pin', PIN])
    expect(r.code).toBe(2)
    expect(r.stderr).not.toContain(PIN)
  })
})
