import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { collect } from './cli.js'

const ROOT = resolve(import.meta.dirname, '../..')
export const USB_FIXTURES = join(ROOT, 'test/fixtures/usb')

/** The simulated devices in test/fixtures/usb (written by generate.mjs there). */
export type UsbFixture = 'watchdata-hid' | 'watchdata-hid-2' | 'huada-ccid' | 'gd-ccid' | 'keyboard-decoy' | 'unknown-ccid' | 'watchdata-composite'

export const usbFixture = (name: UsbFixture): string => join(USB_FIXTURES, `${name}.umockdev`)

/**
 * Fails loudly when umockdev is missing: a USB test that skipped itself would
 * pass on a machine that cannot run it. scripts/setup.sh installs it.
 */
export function requireUmockdev(): void {
  try {
    execFileSync('umockdev-run', ['--version'], { stdio: 'pipe' })
  } catch {
    throw new Error('umockdev-run not found: the USB tests need the Debian package umockdev (scripts/setup.sh installs it, with libusb-1.0-0 and libudev1)')
  }
}

export interface UmockdevResult {
  code: number
  stdout: string
  stderr: string
  /** Wall time of the whole umockdev-run, for the report and benchmarks. */
  ms: number
}

/**
 * Runs `command` under `umockdev-run -d fixture…`: a private sysfs, udev and /dev
 * holding only these devices (none for an empty list: no real device leaks in,
 * even on a laptop with keys plugged in). Several fixtures combine: each has its
 * own port, device number and hidraw minors.
 */
export function underUmockdev(fixtures: UsbFixture[], command: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<UmockdevResult> {
  const args = [...fixtures.flatMap((f) => ['-d', usbFixture(f)]), '--', ...command]
  for (const f of fixtures) if (!existsSync(usbFixture(f))) throw new Error(`no USB fixture ${f} (node test/fixtures/usb/generate.mjs)`)
  const started = performance.now()
  const child = spawn('umockdev-run', args, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] })
  return collect(child).then((r) => ({ ...r, ms: performance.now() - started }))
}

/**
 * Bundles a TypeScript snippet (imports relative to the repository root) into one
 * .mjs with esbuild, as the CLI is built, native packages left outside: a plain
 * `node` start per run instead of tsx's ~1 s. Written under node_modules so the
 * bundle's require('node-hid') / require('usb') resolve as from the project.
 * Returns the file; remove it when done.
 */
export async function bundleScript(source: string, name: string): Promise<string> {
  const { build } = await import('esbuild')
  const dir = join(ROOT, 'node_modules/.cache/ukey-usb-test')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${name}-${process.pid}.mjs`)
  const out = await build({
    stdin: { contents: source, resolveDir: ROOT, loader: 'ts', sourcefile: `${name}.ts` },
    bundle: true, platform: 'node', format: 'esm', target: 'node20', write: false, logLevel: 'warning',
    external: ['node-hid', 'usb'],
  })
  writeFileSync(file, out.outputFiles[0]!.contents)
  return file
}

/** Debian's python3 with the umockdev GObject bindings: a testbed that adds and removes devices while a program runs. */
export const SYSTEM_PYTHON = '/usr/bin/python3'

export function requireUmockdevBindings(): void {
  requireUmockdev()
  try {
    execFileSync(SYSTEM_PYTHON, ['-c', "import gi; gi.require_version('UMockdev', '1.0'); from gi.repository import UMockdev"], { stdio: 'pipe' })
  } catch {
    throw new Error('the hot-plug test needs umockdev\'s Python bindings: Debian packages python3-gi and gir1.2-umockdev-1.0 (scripts/setup.sh)')
  }
}
