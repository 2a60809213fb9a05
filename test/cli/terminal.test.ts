import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, fixture, isolatedEnv } from '../helpers/cli.js'

/** The CLI in a real pseudo-terminal (30×100), as a technician sees it. */
function inTerminal(args: string[], env: Record<string, string | undefined> = {}): { out: string; status: number | null } {
  const r = spawnSync('python3', [join(ROOT, 'test/helpers/pty-run.py'), '60', '--', process.execPath, join(ROOT, 'bin/run.js'), ...args], {
    env: isolatedEnv({ CI: undefined, TERM: 'xterm-256color', NO_COLOR: undefined, ...env }),
    encoding: 'utf8',
  })
  return { out: r.stdout, status: r.status }
}

describe('on a terminal', () => {
  it('a batch that takes more than a moment shows a spinner with a count on stderr, then a clean table in colour', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ukey-tty-'))
    for (let d = 0; d < 20; d++) {
      mkdirSync(join(dir, `d${d}`))
      for (let i = 0; i < 400; i++) copyFileSync(fixture('rsa.pem'), join(dir, `d${d}`, `c${i}.pem`))
    }
    const { out, status } = inTerminal(['check-window', '-r', dir, '--at', '2026-12-15T00:00:00Z', '--lang', 'en'], { UKEY_PROGRESS_AFTER_MS: '0' })
    expect(status).toBe(10)
    expect(out).toMatch(/Checked [\d,]+ certificates…/)
    expect(out).toContain('\u001b[33mrenewable') // yellow: act now
    expect(out).toContain('Summary: 8000 certificates')
  })

  it('one file: no spinner flickers, and NO_COLOR turns colour off', () => {
    const quick = inTerminal(['check-window', fixture('rsa.pem'), '--at', '2026-12-15T00:00:00Z', '--lang', 'en'])
    expect(quick.out).not.toContain('Checked')
    expect(quick.out).toContain('renewable')
    const plain = inTerminal(['check-window', fixture('rsa.pem'), '--at', '2026-12-15T00:00:00Z', '--lang', 'en'], { NO_COLOR: '1' })
    expect(plain.out).not.toContain('\u001b[33m')
  })
})
