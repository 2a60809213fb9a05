import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, fixture, isolatedEnv } from '../helpers/cli.js'

// The fixtures' PKCS#12 password (test/fixtures/certs/make.sh); a wrong one that cannot occur by chance.
const RIGHT = 'test-p12-pass'
const WRONG = 'Wq-31815-z'

/** check-window on a password-protected PKCS#12 in a real pseudo-terminal, answering each prompt in turn. */
function inTerminal(lang: string, dialogue: Array<[string, string]>): { out: string; status: number | null } {
  const r = spawnSync('python3', [join(ROOT, 'test/helpers/pty-run.py'), '60', ...dialogue.flat(), '--', process.execPath, join(ROOT, 'bin/run.js'), 'check-window', fixture('aes.p12'), '--at', '2026-12-15T00:00:00Z'], {
    env: isolatedEnv({ CI: undefined, TERM: 'xterm-256color', NO_COLOR: '1', LANG: lang }),
    encoding: 'utf8',
  })
  return { out: r.stdout, status: r.status }
}

describe('a wrong PKCS#12 password at the prompt', () => {
  it.each([
    ['en_US.UTF-8', 'Password for', 'Wrong password. Password for'],
    ['zh_CN.UTF-8', '的密码', '密码错误。请重新输入'],
  ])('%s: re-asked saying "wrong password", no tick after either answer; the right one then reads the file', (lang, first, retry) => {
    const { out, status } = inTerminal(lang, [[first, WRONG], [retry, RIGHT]])
    expect(out).toContain(retry)
    expect(out).not.toContain('✔')
    expect(out).not.toContain(WRONG)
    expect(out).not.toContain(RIGHT)
    // The certificates were read: the exit is their worst window state at that date (renewable, 10), not 3 (input).
    expect(status).toBe(10)
  })
})
