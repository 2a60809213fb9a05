import { spawn, type ChildProcess } from 'node:child_process'
import { cpSync, mkdtempSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const ROOT = resolve(import.meta.dirname, '../..')
export const FIXTURES = join(ROOT, 'test/fixtures/certs')
export const fixture = (name: string): string => join(FIXTURES, name)

export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

export interface RunOptions {
  env?: Record<string, string | undefined>
  stdin?: string | Buffer
  cwd?: string
  /** Which copy of the CLI runs (fastOnlyCopy()); the checkout's by default. */
  root?: string
}

/** A home of its own per call: no user profile, no state from another test. */
export function isolatedEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), 'ukey-home-'))
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: home,
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_STATE_HOME: join(home, 'state'),
    XDG_DATA_HOME: join(home, 'data'),
    LANG: 'en_US.UTF-8',
    TZ: 'UTC',
    NO_COLOR: '1',
    CI: 'true',
    OCLIF_SKIP_NEW_VERSION_CHECK: 'true',
  }
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k]
    else env[k] = v
  }
  return env
}

/** Runs the built CLI as a user would: a child process, real argv, real streams. */
export function ukey(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(opts.root ?? ROOT, 'bin/run.js'), ...args], {
      cwd: opts.cwd ?? ROOT,
      env: isolatedEnv(opts.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    collect(child).then(resolvePromise, reject)
    child.stdin.on('error', () => undefined) // the CLI may exit before reading all of stdin
    child.stdin.end(opts.stdin ?? '')
  })
}

/** The same command line through oclif: the fast path stays out of it. */
export function viaOclif(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return ukey(args, { ...opts, env: { ...opts.env, UKEY_NO_FAST_PATH: '1' } })
}

/** A child's exit code (-1 when killed by a signal) and everything it wrote, as UTF-8. */
export function collect(child: ChildProcess): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout?.on('data', (d: Buffer) => out.push(d))
    child.stderr?.on('data', (d: Buffer) => err.push(d))
    child.on('error', reject)
    child.on('close', (code) =>
      resolvePromise({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    )
  })
}

export function ndjson(text: string): Array<Record<string, unknown>> {
  return text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>)
}

/**
 * A copy of the installed CLI without the oclif bundle (bin/, dist/fast/, package.json,
 * node_modules linked): a command line the fast path does not take fails there, so a
 * test proves which path ran.
 */
export function fastOnlyCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ukey-fast-only-'))
  cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true })
  cpSync(join(ROOT, 'dist/fast'), join(dir, 'dist/fast'), { recursive: true })
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'))
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'))
  return dir
}
