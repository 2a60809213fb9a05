// Installable as users install it (issue 14 item 6): `npm pack` makes a
// tarball that `npm install -g` puts on PATH as `ukey` on a machine with no
// compiler. The test packs the build the suite already made (no rebuild),
// installs it into a throwaway prefix with only node, npm and sh on PATH (no
// cc, make or python, so anything needing node-gyp fails as it would on a
// branch PC), and runs the installed `ukey`.

import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { fixture, isolatedEnv, ROOT } from '../helpers/cli.js'

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string
  bin: Record<string, string>
  files: string[]
  scripts: Record<string, string>
  dependencies: Record<string, string>
  optionalDependencies?: Record<string, string>
}

/** A tool's path from this process's PATH (npm sits beside node in every Node install, but not always). */
function which(name: string): string {
  const beside = join(dirname(process.execPath), name)
  if (existsSync(beside)) return beside
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name)
  }
  throw new Error(`${name} not found on PATH`)
}

let work: string
let tarball: string
let packed: string[]

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'ukey-pack-'))
  // --ignore-scripts: the suite's build is packed as it is (prepack would rebuild it).
  const out = execFileSync(which('npm'), ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  const [info] = JSON.parse(out) as Array<{ filename: string; files: Array<{ path: string }> }>
  tarball = join(work, info!.filename)
  packed = info!.files.map((f) => f.path)
})

describe('npm pack', () => {
  it('holds the launcher, the bundle and the fast path, and no sources, tests or node_modules', () => {
    expect(packed).toEqual(expect.arrayContaining(['package.json', 'README.md', pkg.bin['ukey']!.replace(/^\.\//, ''), 'dist/ukey.js', 'dist/fast/entry.cjs', 'dist/fast/check-window.cjs', 'bin/package.json']))
    expect(packed.filter((p) => /^(src|test|bench|scripts|node_modules|\.xdg)\//.test(p))).toEqual([])
    // Every chunk the bundle names is packed.
    const chunks = readdirSync(join(ROOT, 'dist/chunks')).filter((f) => f.endsWith('.js'))
    expect(packed.filter((p) => p.startsWith('dist/chunks/') && p.endsWith('.js')).sort()).toEqual(chunks.map((c) => `dist/chunks/${c}`).sort())
  })

  it('packing builds first (prepack), so a tarball never holds a stale dist/', () => {
    expect(pkg.scripts['prepack']).toBe('npm run build')
  })

  it('every package the bundle loads at run time is a dependency, not a devDependency', () => {
    const files: string[] = []
    const walk = (d: string): void => {
      for (const f of readdirSync(d)) {
        const p = join(d, f)
        if (statSync(p).isDirectory()) walk(p)
        else if (/\.[cm]?js$/.test(p)) files.push(p)
      }
    }
    walk(join(ROOT, 'dist'))
    const loaded = new Set<string>()
    // What esbuild left outside the bundle: require("x"), import("x"), from "x", createRequire(import.meta.url)("x")
    // (in the fast path's CommonJS files: createRequire)(__ukeyMetaUrl)("x")).
    const use = /(?<![\w$.'])(?:__require|require|import|createRequire\d*\(import\.meta\.url\)|createRequire\)\(__ukeyMetaUrl\))\(\s*"([^"]+)"\s*\)|\bfrom\s*"([^"]+)"/g
    for (const f of files) {
      for (const m of readFileSync(f, 'utf8').matchAll(use)) {
        const spec = (m[1] ?? m[2])!
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!
        if (!/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/.test(name) || name.startsWith('node:') || builtinModules.includes(name)) continue
        loaded.add(name)
      }
    }
    // oclif's development mode looks for typescript inside a try/catch; an installed ukey never runs it.
    loaded.delete('typescript')
    expect(loaded.size).toBeGreaterThan(0)
    const runtime = { ...pkg.dependencies, ...pkg.optionalDependencies }
    expect([...loaded].filter((n) => !(n in runtime))).toEqual([])
  })
})

describe('npm install -g from the tarball, no compiler on PATH', () => {
  let prefix: string
  let tools: string
  let path: string

  const install = (extra: string[]): SpawnSyncReturns<string> =>
    spawnSync(which('npm'), ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...extra, tarball], {
      // The user's npm configuration and CA settings stay (the registry is reached as usual); only PATH is cut down.
      env: { ...process.env, PATH: tools },
      encoding: 'utf8',
      timeout: 240_000,
    })

  beforeAll(() => {
    prefix = join(work, 'prefix')
    tools = join(work, 'tools')
    mkdirSync(tools)
    for (const t of ['node', 'npm', 'sh']) symlinkSync(t === 'sh' ? '/bin/sh' : which(t), join(tools, t))
    for (const t of ['cc', 'gcc', 'g++', 'c++', 'make', 'python3', 'python']) {
      expect(spawnSync('sh', ['-c', `command -v ${t}`], { env: { PATH: tools } }).status, `${t} hidden`).not.toBe(0)
    }
    path = [join(prefix, 'bin'), tools].join(delimiter)
    const r = install([])
    // No compiler on PATH, and every install script allowed: the install must still succeed.
    expect(r.status, r.stdout + r.stderr).toBe(0)
  }, 300_000)

  const run = (args: string[]): SpawnSyncReturns<string> =>
    spawnSync('ukey', args, { env: isolatedEnv({ PATH: path }), encoding: 'utf8', cwd: work })

  it('puts `ukey` on PATH, and it reports its version', () => {
    const r = run(['--version'])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain(`ukey/${pkg.version} ${process.platform}-${process.arch} node-${process.version}`)
  })

  it('check-window reads a certificate (the fast path and oclif\'s)', () => {
    const args = ['check-window', fixture('rsa.pem'), '--at', '2026-12-15T00:00:00Z']
    const fast = run(args)
    expect(fast.status, fast.stderr).toBe(10)
    expect(fast.stdout).toMatch(/张三\s+8a3f2c1d5e6b7a90\s+2027-01-01\s+renewable/)
    const viaOclif = spawnSync('ukey', [...args, '--json'], { env: isolatedEnv({ PATH: path, UKEY_NO_FAST_PATH: '1' }), encoding: 'utf8', cwd: work })
    expect(viaOclif.status, viaOclif.stderr).toBe(10)
    expect(JSON.parse(viaOclif.stdout).certificates[0]).toMatchObject({ certificate: { window: { state: 'renewable', daysLeft: 17 } } })
  })

  it('exit-codes: the contract table', () => {
    const r = run(['exit-codes'])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^\s+31\s+/m)
  })
})
