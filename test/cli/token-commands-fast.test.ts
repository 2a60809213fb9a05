// The fast paths of detect and diagnose (dist/fast/entry.cjs, taken by bin/run.js
// without loading oclif) against their oclif commands: the same flags, the same
// reading of a command line, and byte for byte the same stdout, stderr and exit code.
import { existsSync, mkdtempSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Parser } from '@oclif/core'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import Detect from '../../src/commands/detect.js'
import Diagnose from '../../src/commands/diagnose.js'
import { parseFast, type CommandSpec } from '../../src/fast/flag-spec.js'
import { fastSpecs } from '../../src/fast/specs.js'
import { ROOT, fastOnlyCopy, ukey, viaOclif as oclifRun, type RunOptions, type RunResult } from '../helpers/cli.js'

const SPECS = fastSpecs()
const COMMANDS = { detect: Detect, diagnose: Diagnose } as const
type Id = keyof typeof COMMANDS

/** What oclif's own parser makes of a command line (as the command's parse calls it). */
async function oclifParse(id: Id, argv: string[]): Promise<{ flags: Record<string, unknown>; argv: unknown[]; args: Record<string, unknown> } | Error> {
  try {
    const r =
      id === 'detect'
        ? await Parser.parse(argv, { flags: { ...Detect.baseFlags, ...Detect.flags }, args: Detect.args, strict: Detect.strict })
        : await Parser.parse(argv, { flags: { ...Diagnose.baseFlags, ...Diagnose.flags }, args: Diagnose.args, strict: Diagnose.strict })
    return { flags: r.flags as Record<string, unknown>, argv: r.argv, args: r.args }
  } catch (e) {
    return e as Error
  }
}

describe('detect and diagnose fast paths: one list of flags', () => {
  it('the built specs are the command classes’ flags (rebuild when this fails)', async () => {
    const built = createRequire(import.meta.url)(join(ROOT, 'dist/fast/entry.cjs')) as { specs: Record<string, CommandSpec> }
    for (const id of ['detect', 'diagnose'] as const) {
      expect(built.specs[id]).toEqual(SPECS[id])
      expect(SPECS[id]!.flags.map((f) => f.name).sort()).toEqual(Object.keys({ ...COMMANDS[id].baseFlags, ...COMMANDS[id].flags }).sort())
    }
  })
})

describe('detect and diagnose fast paths: a line is read only as oclif reads it', () => {
  const accepted: Array<[Id, string[]]> = [
    ['detect', []],
    ['detect', ['--lab', '--no-usb']],
    ['detect', ['--usb', '--json', '--serial', '2100012345', '--lang', 'en']],
    ['detect', ['--module', '/m.so', '--all', '--lab-dir=/tmp/lab', '--debug', '--profile', 'bank.json']],
    ['diagnose', []],
    ['diagnose', ['9002', '--lab', '--no-input']],
    ['diagnose', ['--json', '0124', '--allow-keygen', '--key-number', '21001', '--at', '+30d']],
    ['diagnose', ['--list', '--lang=zh-CN']],
    ['diagnose', ['HTTP 403.7', '--serial', 's', '--label', 'l', '--pin-stdin', '--force', '--module', '/m.so']],
  ]
  it.each(accepted.map(([id, a]) => [`${id} ${a.join(' ')}`, id, a] as const))('takes %j, as oclif reads it', async (_s, id, argv) => {
    const fast = parseFast(argv, SPECS[id]!)
    expect(fast).toBeDefined()
    const oclif = await oclifParse(id, argv)
    expect(oclif).not.toBeInstanceOf(Error)
    const o = oclif as Exclude<typeof oclif, Error>
    expect({ flags: fast!.flags, argv: fast!.argv, args: fast!.args }).toEqual({ flags: o.flags, argv: o.argv, args: o.args })
  })

  const declined: Array<[Id, string[]]> = [
    ['detect', ['--watch']],
    ['detect', ['--watch', '--interval', '100']],
    ['detect', ['--interval', '100']],
    ['detect', ['extra']],
    ['detect', ['-']],
    ['detect', ['--usb', '--no-usb']],
    ['detect', ['--no-json']],
    ['detect', ['--help']],
    ['diagnose', ['9002', '0124']],
    ['diagnose', ['--soft-store', 'dir']],
    ['diagnose', ['-']],
    ['diagnose', ['--no-list']],
    ['diagnose', ['9002', '--at', '']],
    ['diagnose', ['9002', '9002']],
  ]
  it.each(declined.map(([id, a]) => [`${id} ${a.join(' ')}`, id, a] as const))('leaves %j to oclif', (_s, id, argv) => {
    expect(parseFast(argv, SPECS[id]!)).toBeUndefined()
  })

  it.each(['detect', 'diagnose'] as const)('any %s line it takes, oclif reads the same (generated lines)', async (id) => {
    const words = fc.constantFrom(
      '9002', '0124', 'HTTP 403.7', '-', '--', '--lab', '--no-lab', '--usb', '--no-usb', '--json', '--all', '--watch', '--interval', '50',
      '--serial', '--label', '--module', '/m.so', '--lang', 'en', 'zh', '--lang=fr', '--list', '--no-input', '--input', '--allow-keygen',
      '--soft-store', 'dir', '--at', '+30d', '--pin-stdin', '--force', '--debug', '--profile', '', '-h', '--key-number=1',
    )
    await fc.assert(
      fc.asyncProperty(fc.array(words, { maxLength: 7 }), async (argv) => {
        const fast = parseFast(argv, SPECS[id]!)
        if (fast === undefined) return
        const o = await oclifParse(id, argv)
        expect(o).not.toBeInstanceOf(Error)
        const ok = o as Exclude<typeof o, Error>
        expect({ flags: fast.flags, argv: fast.argv, args: fast.args }).toEqual({ flags: ok.flags, argv: ok.argv, args: ok.args })
      }),
      { numRuns: 1500 },
    )
  })
})

describe('detect and diagnose fast paths: byte-identical to the oclif commands', () => {
  const viaOclif = oclifRun
  // A copy of the CLI without oclif's bundle (dist/ukey.js): a line the fast path
  // takes runs there all the same, so the comparisons really compare two paths.
  let fastOnly: string
  const viaFastOnly = (args: string[], opts: RunOptions = {}): Promise<RunResult> => ukey(args, { ...opts, root: fastOnly })
  const dir = mkdtempSync(join(tmpdir(), 'ukey-fast-token-'))
  const lab = join(dir, 'lab')
  beforeAll(async () => {
    fastOnly = fastOnlyCopy()
    expect(existsSync(join(fastOnly, 'dist/ukey.js'))).toBe(false)
    const init = await ukey(['lab', 'init', '--dir', lab, '--key', 'ec-p256'])
    expect(init.code, init.stderr).toBe(0)
  }, 120_000)

  const L = (): string[] => ['--lab', '--lab-dir', lab]
  const cases: Array<[string, () => string[], RunOptions?]> = [
    ['detect --lab --no-usb', () => ['detect', ...L(), '--no-usb']],
    ['detect --lab --no-usb --json', () => ['detect', ...L(), '--no-usb', '--json']],
    ['detect --lab (USB view too)', () => ['detect', ...L()]],
    ['detect --serial, zh-CN', () => ['detect', ...L(), '--no-usb', '--serial', '2100012345', '--lang', 'zh-CN']],
    ['detect, a missing module', () => ['detect', '--no-usb', '--module', join(dir, 'nope.so')]],
    ['detect --lab without a lab', () => ['detect', '--lab', '--lab-dir', join(dir, 'no-lab'), '--no-usb']],
    ['diagnose 9002 --lab --no-input', () => ['diagnose', '9002', ...L(), '--no-input']],
    ['diagnose 0124 --json --no-input', () => ['diagnose', '0124', ...L(), '--no-input', '--json']],
    ['diagnose --list', () => ['diagnose', '--list']],
    ['diagnose --list --json, zh-CN from LANG', () => ['diagnose', '--list', '--json'], { env: { LANG: 'zh_CN.UTF-8' } }],
    ['diagnose, an unknown code', () => ['diagnose', 'xyz', ...L(), '--no-input']],
    ['diagnose, a bad --at', () => ['diagnose', '9002', ...L(), '--no-input', '--at', 'tomorrow']],
    ['diagnose --debug without a lab', () => ['diagnose', '9002', '--lab', '--lab-dir', join(dir, 'no-lab'), '--no-input', '--debug']],
  ]
  // Elapsed times and "now" differ between two runs: masked.
  const TIME = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{3})?|\d+(\.\d+)? ?ms\b/g
  const masked = (r: RunResult): RunResult => ({ ...r, stdout: r.stdout.replace(TIME, '…'), stderr: r.stderr.replace(TIME, '…') })

  it.each(cases)('%s', async (_name, args, opts = {}) => {
    const a = args()
    expect(parseFast(a.slice(1), SPECS[a[0]!]!), 'the fast path takes this line').toBeDefined()
    const [fast, oclif, tree] = await Promise.all([viaFastOnly(a, opts), viaOclif(a, opts), ukey(a, opts)])
    expect(masked(fast)).toEqual(masked(oclif))
    expect(masked(tree)).toEqual(masked(oclif))
  })

  const fallbacks: Array<[string, () => string[]]> = [
    ['detect with an extra word', () => ['detect', 'extra', '--no-usb']],
    ['detect --interval (oclif’s integer)', () => ['detect', '--interval', '10']],
    ['diagnose with two codes', () => ['diagnose', '9002', '0124', '--no-input']],
    ['diagnose --help', () => ['diagnose', '--help']],
  ]
  it.each(fallbacks)('%s: oclif’s answer, unchanged', async (_name, args) => {
    const a = args()
    const [tree, oclif, fastOnlyRun] = await Promise.all([ukey(a), viaOclif(a), viaFastOnly(a)])
    expect(tree).toEqual(oclif)
    // Without oclif's bundle the line cannot run: it never went the fast way.
    expect(fastOnlyRun.stderr).toContain('dist/ukey.js')
  })
})
