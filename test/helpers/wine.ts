import { spawn } from 'node:child_process'
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RunResult } from './cli.js'

/**
 * ukey as a Windows program: Node's node.exe under Wine, on the copy of the
 * built checkout scripts/test-windows.sh prepares (win32 prebuilds swapped in).
 * The script exports where everything is; run the suite through it.
 */
function required(name: string): string {
  const v = process.env[name]
  if (!v) throw new Error(`${name} is not set: run the Windows suite with bash scripts/test-windows.sh`)
  return v
}

export const WIN = {
  get node(): string {
    return required('UKEY_WIN_NODE')
  },
  /** The Windows checkout (Linux path); Wine sees it as Z:\… */
  get root(): string {
    return required('UKEY_WIN_ROOT')
  },
  get wine(): string {
    return required('UKEY_WINE')
  },
  get wineserver(): string {
    return required('UKEY_WINESERVER')
  },
}

/** A Linux absolute path as Windows programs under Wine name it (drive Z: is /). */
export function winPath(linuxPath: string): string {
  return 'Z:' + linuxPath.replace(/\//g, '\\')
}

export interface WinRunOptions {
  /** Windows environment variables (Wine passes the Unix environment through). */
  env?: Record<string, string>
  stdin?: string
  cwd?: string
}

/**
 * Runs node.exe under Wine with `args`. node.exe cannot write to a pipe under
 * Wine (EBADF in node:net; notes/windows.md): its stdout and stderr go to files,
 * read back once it exits. Exit codes come through.
 */
export function winNode(args: string[], opts: WinRunOptions = {}): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ukey-wine-'))
  const outPath = join(dir, 'stdout')
  const errPath = join(dir, 'stderr')
  const inPath = join(dir, 'stdin')
  writeFileSync(inPath, opts.stdin ?? '')
  const fds = [openSync(inPath, 'r'), openSync(outPath, 'w'), openSync(errPath, 'w')]
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    USER: process.env['USER'] ?? 'root',
    WINEPREFIX: required('WINEPREFIX'),
    WINEDEBUG: '-all',
    WINEDLLOVERRIDES: 'mscoree,mshtml=',
    WINESERVER: WIN.wineserver,
    LANG: 'en_US.UTF-8',
    NO_COLOR: '1',
    CI: 'true',
    OCLIF_SKIP_NEW_VERSION_CHECK: 'true',
    ...opts.env,
  }
  return new Promise((resolve, reject) => {
    const child = spawn(WIN.wine, [WIN.node, ...args], { cwd: opts.cwd ?? WIN.root, env, stdio: fds })
    for (const fd of fds) closeSync(fd)
    child.on('error', reject)
    child.on('close', (code) => {
      const result = { code: code ?? -1, stdout: readFileSync(outPath, 'utf8'), stderr: readFileSync(errPath, 'utf8') }
      rmSync(dir, { recursive: true, force: true })
      resolve(result)
    })
  })
}

/** `ukey ARGS` as a Windows program. */
export function winUkey(args: string[], opts: WinRunOptions = {}): Promise<RunResult> {
  return winNode(['bin\\run.js', ...args], opts)
}

/** The Windows user store, as a test sets it up (test/windows/store-tool.mjs, through crypt32). */
export const userStore = {
  async clear(): Promise<void> {
    await storeTool(['clear'])
  },
  async add(derFile: string, provider?: { name: string; container: string }): Promise<void> {
    await storeTool(['add', winPath(derFile), ...(provider ? [provider.name, provider.container] : [])])
  },
}

async function storeTool(args: string[]): Promise<void> {
  const r = await winNode([winPath(join(import.meta.dirname, '..', 'windows', 'store-tool.mjs')), winPath(WIN.root), ...args])
  if (r.code !== 0) throw new Error(`store-tool ${args.join(' ')}: exit ${r.code}\n${r.stdout}${r.stderr}`)
}

/**
 * The Windows user's folders in the Wine prefix, as Linux paths. Wine sets
 * %APPDATA% and %LOCALAPPDATA% itself (a Unix variable of that name does not
 * reach the Windows program: measured), so tests use the real folders and
 * remove what they put there.
 */
export function winUserFolders(): { appData: string; localAppData: string } {
  const user = process.env['USER'] ?? 'root'
  const home = join(required('WINEPREFIX'), 'drive_c', 'users', user)
  return { appData: join(home, 'AppData', 'Roaming'), localAppData: join(home, 'AppData', 'Local') }
}

/** Puts a bank profile where ukey on Windows reads it (%APPDATA%\ukey\Config\profile.json); returns its removal. */
export function installWinProfile(profile: object): () => void {
  const dir = join(winUserFolders().appData, 'ukey')
  mkdirSync(join(dir, 'Config'), { recursive: true })
  writeFileSync(join(dir, 'Config', 'profile.json'), JSON.stringify(profile))
  return () => rmSync(dir, { recursive: true, force: true })
}
