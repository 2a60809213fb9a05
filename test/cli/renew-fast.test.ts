// `ukey renew` on the fast path (dist/fast/entry.cjs and renew.cjs, taken by bin/run.js without
// loading oclif) against its oclif command: the same flags, the same reading of a
// command line, and the same answers — byte for byte where two runs can be equal
// (status, dry run, failures), the same document up to the new key's random
// values where they cannot (a renewal changes the lab it runs on).
import { existsSync, mkdtempSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Parser } from '@oclif/core'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Renew from '../../src/commands/renew.js'
import { parseFast, type CommandSpec } from '../../src/fast/flag-spec.js'
import { fastSpecs } from '../../src/fast/specs.js'
import { ROOT, fastOnlyCopy, ukey, viaOclif as oclifRun, type RunOptions, type RunResult } from '../helpers/cli.js'
import { labWithServer, stopLabServers, type LabWithServer } from '../helpers/lab-server.js'

const SPEC = fastSpecs()['renew']!
const PIN = 'Wx-58213-q'

async function oclifParse(argv: string[]): Promise<{ flags: Record<string, unknown>; argv: unknown[] } | Error> {
  try {
    const r = await Parser.parse(argv, { flags: { ...Renew.baseFlags, ...Renew.flags }, args: Renew.args, strict: Renew.strict })
    return { flags: r.flags as Record<string, unknown>, argv: r.argv }
  } catch (e) {
    return e as Error
  }
}

describe('renew fast path: one list of flags, read as oclif reads them', () => {
  it('the built spec is the command class’s flags (rebuild when this fails)', async () => {
    const built = createRequire(import.meta.url)(join(ROOT, 'dist/fast/entry.cjs')) as { specs: Record<string, CommandSpec> }
    expect(built.specs['renew']).toEqual(SPEC)
    expect(SPEC.flags.map((f) => f.name).sort()).toEqual(Object.keys({ ...Renew.baseFlags, ...Renew.flags }).sort())
  })

  it.each([
    [[]],
    [['--lab', '--yes', '--json']],
    [['--lab', '--lab-dir', '/tmp/lab', '--server', 'http://127.0.0.1:1/pkix/', '-y', '-o', 'json']],
    [['--status', '--lab', '--lang=zh-CN']],
    [['--dry-run', '--serial', 's', '--label', 'l', '--id', 'ab01', '--key-number', '21001', '--module', '/m.so', '--pin-stdin', '--force', '--tz', '+08:00']],
    [['--no-input', '--debug', '--verbose', '--profile', 'bank.json']],
  ])('takes %j, as oclif reads it', async (argv) => {
    const fast = parseFast(argv, SPEC)
    expect(fast).toBeDefined()
    const o = await oclifParse(argv)
    expect(o).not.toBeInstanceOf(Error)
    expect({ flags: fast!.flags, argv: fast!.argv }).toEqual({ flags: (o as Exclude<typeof o, Error>).flags, argv: (o as Exclude<typeof o, Error>).argv })
  })

  it.each([[['extra']], [['-']], [['--help']], [['--no-yes']], [['--output', 'yaml']], [['--yes', '--yes', 'x']]])('leaves %j to oclif', (argv) => {
    expect(parseFast(argv, SPEC)).toBeUndefined()
  })

  it('any renew line it takes, oclif reads the same (generated lines)', async () => {
    const words = fc.constantFrom(
      '-', '--', 'x', '--lab', '--no-lab', '--lab-dir', '/l', '--yes', '-y', '--no-input', '--json', '-o', 'json', 'text', '--output=text',
      '--dry-run', '--status', '--server', 'http://h/', '--serial', '--label', '--id', '--key-number', '--module', '--pin-stdin', '--force',
      '--tz', '+08:00', '--lang', 'en', '--lang=fr', '--debug', '--verbose', '--profile', '', '-h',
    )
    await fc.assert(
      fc.asyncProperty(fc.array(words, { maxLength: 7 }), async (argv) => {
        const fast = parseFast(argv, SPEC)
        if (fast === undefined) return
        const o = await oclifParse(argv)
        expect(o).not.toBeInstanceOf(Error)
        const ok = o as Exclude<typeof o, Error>
        expect({ flags: fast.flags, argv: fast.argv }).toEqual({ flags: ok.flags, argv: ok.argv })
      }),
      { numRuns: 1500 },
    )
  })
})

describe('renew fast path: the oclif command’s answers', () => {
  const viaOclif = oclifRun
  // Without oclif's bundle (dist/ukey.js) a line the fast path did not take cannot run: the comparison really compares two paths.
  let fastOnly: string
  const viaFastOnly = (args: string[], opts: RunOptions = {}): Promise<RunResult> => ukey(args, { ...opts, root: fastOnly })
  const root = mkdtempSync(join(tmpdir(), 'ukey-renew-fast-'))
  let n = 0
  const makeLab = (): Promise<LabWithServer> => labWithServer(join(root, `lab-${n++}`), { pin: PIN })
  const withPin = { env: { UKEY_PIN: PIN } }
  let lab: LabWithServer
  beforeAll(async () => {
    fastOnly = fastOnlyCopy()
    expect(existsSync(join(fastOnly, 'dist/ukey.js'))).toBe(false)
    lab = await makeLab()
  }, 120_000)
  afterAll(() => stopLabServers())

  const L = (l: LabWithServer): string[] => ['--lab', '--lab-dir', l.dir, '--server', l.url]
  // Elapsed times and "now" differ between two runs.
  const TIME = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{3})?Z?|\d+(\.\d+)? ?(ms|s)\b|"ms": \d+/g
  const masked = (r: RunResult): RunResult => ({ ...r, stdout: r.stdout.replace(TIME, '…'), stderr: r.stderr.replace(TIME, '…') })

  it.each<[string, () => string[], RunOptions?]>([
    ['--status', () => ['renew', '--status', '--lab', '--lab-dir', lab.dir]],
    ['--status --json, zh-CN', () => ['renew', '--status', '--lab', '--lab-dir', lab.dir, '--json', '--lang', 'zh-CN']],
    ['--dry-run --json', () => ['renew', ...L(lab), '--dry-run', '--json'], withPin],
    ['--dry-run (text)', () => ['renew', ...L(lab), '--dry-run', '--lang', 'en'], withPin],
    ['without --yes and without a terminal', () => ['renew', ...L(lab)], withPin],
    ['--lab without a lab', () => ['renew', '--lab', '--lab-dir', join(root, 'no-lab'), '--yes', '--json']],
    ['a server that does not answer', () => ['renew', '--lab', '--lab-dir', lab.dir, '--server', 'http://127.0.0.1:9/pkix/', '--yes', '--json'], withPin],
  ])('%s: byte for byte', async (_name, args, opts = {}) => {
    const a = args()
    expect(parseFast(a.slice(1), SPEC), 'the fast path takes this line').toBeDefined()
    const fast = await viaFastOnly(a, opts)
    const oclif = await viaOclif(a, opts)
    expect(masked(fast)).toEqual(masked(oclif))
  }, 60_000)

  it.each([['--json'], ['--lang', 'en']])('a whole renewal (%s): the same answer up to the new key’s values, on a lab each', async (...format) => {
    const [a, b] = await Promise.all([makeLab(), makeLab()])
    const fast = await viaFastOnly(['renew', ...L(a), '--yes', ...format], withPin)
    const oclif = await viaOclif(['renew', ...L(b), '--yes', ...format], withPin)
    expect(fast.code, fast.stderr).toBe(0)
    // What differs between two labs: their folders and ports, serials, slot ids, ids, hashes, times.
    const random = (r: RunResult, l: LabWithServer): RunResult => {
      const m = masked(r)
      // A step's time is shown only when it took 0.05 s or more: its presence is timing too.
      const strip = (s: string): string => s.split(l.dir).join('LAB').split(l.url).join('URL').replace(/\b[0-9a-f]{16,64}\b/g, 'HEX').replace(/ \(…\)/g, '').replace(/"slot": "\d+"/g, '"slot": "N"')
      return { ...m, stdout: strip(m.stdout), stderr: strip(m.stderr) }
    }
    expect(random(fast, a)).toEqual(random(oclif, b))
  }, 120_000)

  it.each([['--help'], ['extra']])('renew %s: oclif’s answer, unchanged', async (word) => {
    const [tree, oclif, fastOnlyRun] = await Promise.all([ukey(['renew', word]), viaOclif(['renew', word]), viaFastOnly(['renew', word])])
    expect(tree).toEqual(oclif)
    expect(fastOnlyRun.stderr).toContain('dist/ukey.js')
  })
})
