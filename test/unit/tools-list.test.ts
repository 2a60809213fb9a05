import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { externalTools, missingTestTools } from '../helpers/tools.js'

const root = join(import.meta.dirname, '..', '..')

function filesUnder(dir: string, exts: string[]): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) return name === 'fixtures' || name === 'node_modules' || name === 'out' ? [] : filesUnder(p, exts)
    return exts.some((e) => name.endsWith(e)) ? [p] : []
  })
}

describe('the one list of external tools (scripts/tools.sh)', () => {
  it('names a Debian package for every tool, in a known group', () => {
    const tools = externalTools()
    expect(tools.length).toBeGreaterThan(5)
    for (const t of tools) {
      expect(t.pkg, t.tool).toMatch(/^[a-z0-9][a-z0-9.+-]+$/)
      expect(['test', 'bench', 'windows']).toContain(t.group)
    }
  })

  it('a missing tool is reported with the package to install, not left to fail a test later', () => {
    const missing = missingTestTools('/nonexistent-bin-dir')
    expect(missing).toContain('p11tool is missing: install gnutls-bin (bash scripts/setup.sh installs every tool the tests use)')
    expect(missing.some((m) => m.startsWith('softhsm2-util is missing: install softhsm2'))).toBe(true)
  })

  it('every program the tests and scripts call by name is on the list', () => {
    const listed = new Set(externalTools().map((t) => t.tool.replace(/^.*\//, '')))
    // Programs every Debian system has (essential packages) or that ukey itself is.
    const base = new Set(['ukey', 'node', 'npm', 'npx', 'bash', 'sh', 'env', 'setpriv', 'cp', 'rm', 'mkdir', 'cat', 'kill', 'sleep', 'script', 'git', 'sed', 'grep', 'mkfifo'])
    const called = new Set<string>()
    for (const f of filesUnder(join(root, 'test'), ['.ts'])) {
      for (const m of readFileSync(f, 'utf8').matchAll(/\b(?:execFileSync|execFile|spawnSync|spawn)\(\s*'([\w./-]+)'/g)) called.add(m[1]!.replace(/^.*\//, ''))
    }
    const unlisted = [...called].filter((c) => !listed.has(c) && !base.has(c) && !c.startsWith('umockdev-'))
    expect(unlisted).toEqual([])
  })
})
