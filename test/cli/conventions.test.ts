// Issue 15, item 1: a command line that behaves like the ones its users know —
// -h, did-you-mean, version, shell completion, man pages, -o/--output beside
// --json, and one non-interactive convention (--yes, --no-input). The built CLI
// runs as a child process; the completion scripts are loaded by the real shells.

import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { COMMANDS } from '../../src/commands/index.js'
import { schemaErrors } from '../helpers/schemas.js'
import { ROOT, fixture, isolatedEnv, ukey } from '../helpers/cli.js'

const ids = Object.keys(COMMANDS).map((id) => id.split(':'))

describe('-h and did-you-mean', () => {
  it.each(ids.map((w) => [w.join(' '), w]))('`ukey %s -h` is its --help page (exit 0)', async (_name, words) => {
    const short = await ukey([...words, '-h', '--lang', 'en'])
    const long = await ukey([...words, '--help', '--lang', 'en'])
    expect(short.code, short.stderr).toBe(0)
    expect(short.stdout).toBe(long.stdout)
    expect(short.stdout).toMatch(/USAGE/)
  })

  it('`ukey chek-window` suggests check-window (exit 2)', async () => {
    const r = await ukey(['chek-window', '--lang', 'en'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('did you mean `ukey check-window`?')
  })

  it('`ukey check-windw x.pem` names only the command, never the argument glued to it', async () => {
    const r = await ukey(['check-windw', 'x.pem', '--lang', 'en'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('no such command: check-windw (did you mean `ukey check-window`?)')
    expect(r.stderr).not.toContain('x.pem')
  })
})

describe('ukey version and --version', () => {
  it('--json: version, node, platform/arch and the modules found (discovered, not loaded); --version --json is the same document', async () => {
    const module = join(mkdtempSync(join(tmpdir(), 'ukey-ver-')), 'libvendor.so')
    // Not a library at all: loading it would fail; listing it must not try.
    writeFileSync(module, 'not a shared object')
    const a = await ukey(['version', '--json', '--module', module])
    const b = await ukey(['--version', '--json', '--module', module])
    expect(a.code, a.stderr).toBe(0)
    expect(b.stdout).toBe(a.stdout)
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
    expect(schemaErrors('version', JSON.parse(a.stdout))).toEqual([])
    expect(JSON.parse(a.stdout)).toEqual({
      schemaVersion: 2, kind: 'ukey.version', lab: false, exitCode: 0,
      version: pkg.version, node: process.version, platform: process.platform, arch: process.arch,
      modules: [{ path: module, origin: 'flag', vendorCode: null, problem: null }],
    })
  })

  it('text: the first line is oclif\'s --version line, then the modules', async () => {
    const r = await ukey(['--version', '--lang', 'en'], { env: { UKEY_PKCS11_MODULE: '/opt/vendor/libp11.so' } })
    expect(r.stdout.split('\n')[0]).toBe(`ukey/${(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version} ${process.platform}-${process.arch} node-${process.version}`)
    expect(r.stdout).toContain('/opt/vendor/libp11.so  (environment)')
  })
})

describe('-o json is --json, byte for byte, on every command that prints JSON', () => {
  const lab = mkdtempSync(join(tmpdir(), 'ukey-conv-lab-'))
  const emptyConf = join(lab, 'softhsm2.conf')
  writeFileSync(emptyConf, `directories.tokendir = ${lab}\nobjectstore.backend = file\n`)
  // One home for every run: renew --status names its journal folder.
  const env = { SOFTHSM2_CONF: emptyConf, HOME: lab, XDG_STATE_HOME: join(lab, 'state'), XDG_DATA_HOME: join(lab, 'data'), XDG_CONFIG_HOME: join(lab, 'config') }
  const at = ['--at', '2026-12-15T00:00:00Z']
  const cases: Array<[string, string[]]> = [
    ['check-window (fast path)', ['check-window', fixture('rsa.pem'), fixture('ec.pem'), ...at]],
    ['show-cert', ['show-cert', fixture('rsa.pem'), ...at]],
    ['detect', ['detect', '--module', '/usr/lib/softhsm/libsofthsm2.so', '--no-usb']],
    ['diagnose --list', ['diagnose', '--list']],
    ['renew --status', ['renew', '--status']],
    ['renew failing (no key)', ['renew', '--module', '/usr/lib/softhsm/libsofthsm2.so', '--yes']],
    ['exit-codes', ['exit-codes']],
    ['version', ['version']],
    ['lab status (no lab)', ['lab', 'status', '--dir', join(lab, 'none')]],
  ]
  it.each(cases)('%s', async (_name, args) => {
    const json = await ukey([...args, '--json'], { env })
    const o = await ukey([...args, '-o', 'json'], { env })
    const both = await ukey([...args, '--output=json', '--json'], { env })
    expect(json.stdout.length + json.stderr.length).toBeGreaterThan(0)
    expect(o).toEqual(json)
    expect(both).toEqual(json)
  })

  it('the oclif path of check-window too, and --json with another format is a usage error (exit 2)', async () => {
    const args = ['check-window', fixture('rsa.pem'), ...at]
    const env = { UKEY_NO_FAST_PATH: '1' }
    expect(await ukey([...args, '-o', 'json'], { env })).toEqual(await ukey([...args, '--json'], { env }))
    const clash = await ukey([...args, '--json', '-o', 'csv', '--lang', 'en'])
    expect(clash.code).toBe(2)
    expect(clash.stderr).toContain('--json cannot be used together with --output csv')
  })
})

describe('shell completion', () => {
  const script = async (shell: string): Promise<string> => {
    const r = await ukey(['completion', shell])
    expect(r.code, r.stderr).toBe(0)
    // The build writes the same scripts for packagers (dist/completion/).
    const file = { bash: 'ukey.bash', zsh: '_ukey', fish: 'ukey.fish', powershell: 'ukey.ps1' }[shell]!
    expect(readFileSync(join(ROOT, 'dist/completion', file), 'utf8')).toBe(r.stdout)
    return r.stdout
  }
  const saved = (text: string, name: string): string => {
    const f = join(mkdtempSync(join(tmpdir(), 'ukey-comp-')), name)
    writeFileSync(f, text)
    return f
  }

  it('bash: loads (bash -n) and completes commands, flag values, diagnose codes and lab subcommands', async () => {
    const f = saved(await script('bash'), 'ukey.bash')
    expect(spawnSync('bash', ['-n', f]).status).toBe(0)
    const ask = (words: string[]): string[] => {
      const line = `source ${f}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _ukey; printf '%s\\n' "\${COMPREPLY[@]}"`
      return spawnSync('bash', ['-c', line], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean)
    }
    expect(ask(['ukey', 'che'])).toEqual(['check-window'])
    expect(ask(['ukey', 'check-window', '-o', ''])).toEqual(['table', 'json', 'ndjson', 'csv', 'prometheus'])
    expect(ask(['ukey', 'show-cert', '--lang', ''])).toEqual(['zh-CN', 'zh', 'en'])
    expect(ask(['ukey', 'diagnose', '']).filter((w) => !w.startsWith('-')).sort()).toEqual(['0116', '0124', '403.7', '9002'])
    expect(ask(['ukey', 'lab', 'i'])).toEqual(['init'])
    expect(ask(['ukey', 'renew', '--no-i'])).toEqual(['--no-input'])
    expect(ask(['ukey', 'detect', '--key'])).toEqual(['--key-number'])
  })

  it('zsh: loads (zsh -n) and defines its completion function', async () => {
    const f = saved(await script('zsh'), '_ukey')
    expect(spawnSync('zsh', ['-n', f]).status).toBe(0)
    const r = spawnSync('zsh', ['-f', '-c', `autoload -U compinit; compinit -u -D; source ${f}; whence -w _ukey; echo $_comps[ukey]`], { encoding: 'utf8' })
    expect(r.stdout).toContain('_ukey: function')
    expect(r.stdout).toContain('_ukey\n')
  })

  it('fish: loads and completes', async () => {
    const f = saved(await script('fish'), 'ukey.fish')
    const complete = (line: string): string[] => spawnSync('fish', ['--no-config', '-c', `source ${f}; complete -C '${line}'`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0]!)
    expect(spawnSync('fish', ['--no-execute', f]).status).toBe(0)
    expect(complete('ukey chec')).toEqual(['check-window'])
    expect(complete('ukey check-window --output ')).toEqual(['csv', 'json', 'ndjson', 'prometheus', 'table'])
    expect(complete('ukey diagnose 0')).toEqual(['0116', '0124'])
    expect(complete('ukey lab ')).toEqual(['init', 'reset', 'samples', 'serve', 'status'])
  })

  it('PowerShell: balanced and complete (no pwsh here: a structural parse of its brackets and quotes)', async () => {
    const text = await script('powershell')
    // PowerShell is not installed on this Debian machine: the script's brackets, braces and
    // single-quoted strings are checked to nest and close, and its table names every command.
    expect(unbalanced(text)).toBeNull()
    expect(text).toContain('Register-ArgumentCompleter -Native -CommandName ukey')
    for (const id of Object.keys(COMMANDS)) expect(text).toContain(`'${id.replace(/:/g, ' ')}' = @{`)
    expect(text).toMatch(/'diagnose' = @\{ Flags = @\([^)]*\); Args = @\('0124', '9002', '0116', '403\.7'\)/)
  })
})

/** The first bracket or quote that does not close (PowerShell: '' inside '…', "…" with $(…) inside). */
function unbalanced(text: string): string | null {
  const stack: string[] = []
  const pairs: Record<string, string> = { '(': ')', '{': '}', '[': ']' }
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (c === '#' && (i === 0 || text[i - 1] === '\n' || text[i - 1] === ' ') && !stack.includes('"')) {
      i = text.indexOf('\n', i)
      if (i < 0) break
      continue
    }
    if (c === "'") {
      const end = text.indexOf("'", i + 1)
      if (end < 0) return `unclosed ' at ${i}`
      i = end
    } else if (c === '"') {
      if (stack.at(-1) === '"') stack.pop()
      else stack.push('"')
    } else if (c in pairs) stack.push(pairs[c]!)
    else if (c === ')' || c === '}' || c === ']') {
      if (stack.at(-1) === '"') continue
      if (stack.pop() !== c) return `unexpected ${c} at ${i}`
    }
  }
  return stack.length ? `unclosed ${stack.join('')}` : null
}

describe('man pages', () => {
  it('generated at build time from the help catalogues, one per command, installed through package.json "man"; man -l renders them', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { man: string[] }
    for (const id of Object.keys(COMMANDS)) expect(pkg.man).toContain(`./dist/man/ukey-${id.replace(/:/g, '-')}.1`)
    for (const f of pkg.man) expect(existsSync(join(ROOT, f)), f).toBe(true)
    const render = (file: string): { out: string; warnings: string } => {
      const r = spawnSync('man', ['--warnings', '-l', join(ROOT, file)], { encoding: 'utf8', env: { ...isolatedEnv(), LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', MANWIDTH: '400', MANPAGER: 'cat', PAGER: 'cat' } })
      expect(r.status, r.stderr).toBe(0)
      return { out: r.stdout, warnings: r.stderr }
    }
    const renew = render('dist/man/ukey-renew.1')
    expect(renew.warnings).toBe('')
    expect(renew.out).toMatch(/NAME\s+ukey-renew - Renew the certificate on a USB key/)
    // The same words as --help: the catalogue's flag texts.
    expect(renew.out).toContain('--no-input')
    expect(renew.out).toMatch(/consent in advance to what would be asked/)
    const root = render('dist/man/ukey.1')
    expect(root.out).toContain('EXIT STATUS')
    expect(root.out).toMatch(/ukey-check-window\(1\)/)
  })
})

describe('--yes and --no-input, the same on every command that may ask', () => {
  it.each([['renew'], ['diagnose'], ['show-cert'], ['check-window']])('%s takes both, documented together in its help', async (cmd) => {
    const r = await ukey([cmd, '--help', '--lang', 'en'])
    expect(r.stdout).toMatch(/-y, --yes\s+consent in advance/)
    expect(r.stdout).toMatch(/--no-input\s+never ask/)
  })

  it('--no-input on a terminal: a password-protected PKCS#12 is not asked for, it is reported (exit 3) at once', () => {
    const r = spawnSync('python3', [join(ROOT, 'test/helpers/pty-run.py'), '30', '--', process.execPath, join(ROOT, 'bin/run.js'), 'show-cert', fixture('aes.p12'), '--no-input', '--lang', 'en'], {
      env: isolatedEnv({ CI: undefined, TERM: 'xterm-256color' }),
      encoding: 'utf8',
    })
    expect(r.stdout).not.toMatch(/password.*:\s*$/im)
    expect(r.stdout).toMatch(/password/i)
    expect(r.status).toBe(3)
  })
})
