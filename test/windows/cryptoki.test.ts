// ukey's PKCS#11 binding in a Windows process: Node's own node.exe under Wine loads the stub module
// built by mingw-w64 (test/fixtures/pkcs11-stub) and reads CK_INFO, CK_SLOT_INFO and CK_TOKEN_INFO,
// compared field by field with what the C code wrote. On Windows CK_ULONG is 32-bit and the structures
// are 1-byte packed, so this is the ABI the Linux tests cannot show (notes/windows.md, "the two traps").
// Run by scripts/test-windows.sh, which sets the variables below; skipped without them.
import { spawn } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildStub, stubExpectations, stubSlot, type StubTarget } from '../helpers/pkcs11-stub.js'

const env = {
  node: process.env['UKEY_WIN_NODE'],
  root: process.env['UKEY_WIN_ROOT'],
  wine: process.env['UKEY_WINE'],
  prefix: process.env['WINEPREFIX'],
}
const ready = Boolean(env.node && env.root && env.wine && env.prefix)

/** A Linux path as Windows programs under Wine name it (drive Z: is /). */
const winPath = (p: string): string => 'Z:' + p.replace(/\//g, '\\')

/** node.exe under Wine; its output goes to files (it cannot write to a pipe there), read back at exit. */
function nodeExe(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'ukey-wine-'))
  const fds = [openSync('/dev/null', 'r'), openSync(join(dir, 'out'), 'w'), openSync(join(dir, 'err'), 'w')]
  return new Promise((resolve, reject) => {
    const child = spawn(env.wine!, [env.node!, ...args], {
      cwd: env.root,
      env: { PATH: process.env['PATH'], HOME: process.env['HOME'], WINEPREFIX: env.prefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=', NO_COLOR: '1', CI: 'true', OCLIF_SKIP_NEW_VERSION_CHECK: 'true' },
      stdio: fds,
    })
    for (const fd of fds) closeSync(fd)
    child.on('error', reject)
    child.on('close', (code) => {
      const r = { code: code ?? -1, stdout: readFileSync(join(dir, 'out'), 'utf8'), stderr: readFileSync(join(dir, 'err'), 'utf8') }
      rmSync(dir, { recursive: true, force: true })
      resolve(r)
    })
  })
}

/** The values as the probe writes them: bigints as decimal strings. */
const asJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString(10) : x)))

describe.skipIf(!ready)('the binding under node.exe (Windows x64, through Wine)', () => {
  let dlls: Record<StubTarget, string>
  let probe: string
  let out: string

  beforeAll(async () => {
    dlls = buildStub('win64', 'win32')
    // Bundled beside the Windows checkout's node_modules, where koffi has its win32-x64 prebuild.
    probe = join(env.root!, `ukey-cryptoki-probe-${process.pid}.mjs`)
    await build({ entryPoints: [join(import.meta.dirname, 'cryptoki-probe.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', external: ['koffi'], outfile: probe, logLevel: 'warning' })
    out = mkdtempSync(join(tmpdir(), 'ukey-probe-'))
  })

  afterAll(() => {
    if (probe) rmSync(probe, { force: true })
    if (out) rmSync(out, { recursive: true, force: true })
  })

  async function read(dll: string): Promise<Record<string, unknown>> {
    const file = join(out, `${Math.random().toString(36).slice(2)}.json`)
    const r = await nodeExe([winPath(probe), winPath(dll), winPath(file)])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
  }

  it('reads the 64-bit DLL field by field: 32-bit CK_ULONGs, packed structures', async () => {
    const got = await read(dlls.win64)
    const x = stubExpectations(32, 'win32-x64')
    expect(got['platform']).toBe('win32')
    expect(got['abi']).toEqual({ name: 'win32-x64', ulongBits: 32, pointerBits: 64, packed: true })
    expect(got['koffi']).toMatch(/\\node_modules\\@koromix\\koffi-win32-x64\\win32_x64\\koffi\.node$/)
    expect(got['info']).toEqual(asJson(x.info))
    expect(got['slots']).toEqual(asJson(x.slots))
    expect(got['slotInfo']).toEqual(asJson(x.slotInfo))
    expect(got['emptySlotInfo']).toEqual(asJson(x.emptySlotInfo))
    expect(got['tokenInfo']).toEqual(asJson(x.tokenInfo))
  })

  it('a 32-bit DLL does not load into 64-bit node.exe: the loader\'s refusal, not a crash', async () => {
    const got = await read(dlls.win32)
    expect(got['platform']).toBe('win32')
    // koffi reads the DLL's machine type before LoadLibrary and says so in its own words.
    expect(got['error']).toBe("Cannot load 'Intel 386+' DLL in 'AMD x64' process")
  })

  it('ukey detect --module lists the DLL\'s token as a Windows program', async () => {
    const r = await nodeExe(['bin/run.js', 'detect', '--module', winPath(dlls.win64), '--no-usb', '--json'])
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout) as { tokens: Array<Record<string, unknown>> }
    expect(report.tokens).toHaveLength(1)
    expect(report.tokens[0]).toMatchObject({ token: { serial: '2100000012345678', label: '工行 U盾 stub', model: 'STUB-MODEL-9', slot: stubSlot(32).toString(10) }, pin: { state: 'count-low' } })
  })
})
