import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, isolatedEnv, ukey } from '../helpers/cli.js'

// Cannot occur by chance in other output (serials, ids and dates are digits or hex).
const PIN = 'Sx-73591-q'
const WRONG = 'Wr-86422-z'

function filesUnder(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    const st = statSync(p)
    if (st.isDirectory()) out.push(...filesUnder(p))
    else if (st.isFile()) out.push(p)
  }
  return out
}

/** Every byte a run left behind: its output and every file under its lab and home. */
function assertNowhere(secret: string, texts: string[], dirs: string[]): void {
  for (const t of texts) expect(t).not.toContain(secret)
  for (const d of dirs) for (const f of filesUnder(d)) expect(readFileSync(f, 'latin1'), f).not.toContain(secret)
}

describe('the PIN appears nowhere: not in output, errors, debug output or files', () => {
  it('through UKEY_PIN, --pin-stdin, a wrong PIN and --debug', async () => {
    const base = mkdtempSync(join(tmpdir(), 'ukey-secret-'))
    const dir = join(base, 'lab')
    const init = await ukey(['lab', 'init', '--dir', dir, '--key', 'ec-p256', '--pin-stdin'], { stdin: `${PIN}\n` })
    expect(init.code).toBe(0)
    const runs = [
      await ukey(['check-window', '--lab', '--lab-dir', dir, '--login', '--json'], { env: { UKEY_PIN: PIN } }),
      await ukey(['show-cert', '--lab', '--lab-dir', dir, '--login', '--pin-stdin', '--json'], { stdin: `${PIN}\n` }),
      await ukey(['check-window', '--lab', '--lab-dir', dir, '--login', '--debug'], { env: { UKEY_PIN: WRONG } }),
      await ukey(['show-cert', '--lab', '--lab-dir', dir, '--login', '--pin-stdin', '--debug', '--output', 'x'], { stdin: `${WRONG}\n` }),
      await ukey(['detect', '--lab', '--lab-dir', dir, '--json', '--debug'], { env: { UKEY_PIN: PIN } }),
    ]
    expect(runs[0]!.code).toBe(10)
    expect(runs[1]!.code).toBe(0)
    expect(runs[2]!.code).toBe(3)
    expect(runs[2]!.stderr).toContain('wrong PIN')
    assertNowhere(PIN, runs.flatMap((r) => [r.stdout, r.stderr]), [base])
    assertNowhere(WRONG, runs.flatMap((r) => [r.stdout, r.stderr]), [base])
  })

  it('through the masked prompt in a real terminal (typed, not echoed)', async () => {
    const base = mkdtempSync(join(tmpdir(), 'ukey-secret-'))
    const dir = join(base, 'lab')
    expect((await ukey(['lab', 'init', '--dir', dir, '--key', 'ec-p256'], { env: { UKEY_PIN: PIN } })).code).toBe(0)
    const env = isolatedEnv({ CI: undefined, TERM: 'xterm', LANG: 'en_US.UTF-8' })
    // A wrong PIN is asked once more (the retry prompt names the key's state): Enter there skips, the wrong-PIN error stands.
    const run = (pin: string) =>
      spawnSync('python3', [join(ROOT, 'test/helpers/pty-run.py'), '20', 'PIN for USB key', pin, 'Wrong PIN', '', '--', process.execPath, join(ROOT, 'bin/run.js'), 'check-window', '--lab', '--lab-dir', dir, '--login'], { env, encoding: 'utf8' })
    const good = run(PIN)
    expect(good.stdout).toContain('PIN for USB key "ukey-lab"')
    expect(good.stdout).toContain('renewable')
    expect(good.status).toBe(10)
    const bad = run(WRONG)
    expect(bad.stdout).toContain('wrong PIN')
    expect(bad.status).toBe(3)
    assertNowhere(PIN, [good.stdout, good.stderr], [base])
    assertNowhere(WRONG, [bad.stdout, bad.stderr], [base])
  })

  it('never from argv: there is no --pin flag to put it there', async () => {
    const r = await ukey(['check-window', '--lab', '--pin', PIN])
    expect(r.code).toBe(2)
    expect(r.stderr).not.toContain(PIN)
  })
})
