// The fast path of check-window (dist/fast/, taken by bin/run.js without loading
// oclif) against the oclif command: same flags, same decisions, and byte for byte
// the same stdout, stderr and exit code.
import { cpSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Parser } from '@oclif/core'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import CheckWindow from '../../src/commands/check-window.js'
import { checkWindowSpec } from '../../src/fast/specs.js'
import { parseFast, type CommandSpec } from '../../src/fast/flag-spec.js'
import { FIXTURES, ROOT, fastOnlyCopy, fixture, ukey, viaOclif as oclifRun, type RunOptions, type RunResult } from '../helpers/cli.js'

const SPEC = checkWindowSpec()
const AT_STATES = {
  'not-yet-valid': '2025-12-31T23:59:59Z',
  valid: '2026-06-01T00:00:00Z',
  renewable: '2026-12-15T00:00:00Z',
  grace: '2027-02-01T00:00:00Z',
  lapsed: '2027-06-01T00:00:00Z',
}

/** What oclif's own parser makes of a check-window command line (as CheckWindow.parse calls it). */
async function oclifParse(argv: string[]): Promise<{ flags: Record<string, unknown>; argv: unknown[] } | Error> {
  try {
    const r = await Parser.parse(argv, { flags: { ...CheckWindow.baseFlags, ...CheckWindow.flags }, args: CheckWindow.args, strict: CheckWindow.strict })
    return { flags: r.flags as Record<string, unknown>, argv: r.argv }
  } catch (e) {
    return e as Error
  }
}

describe('check-window fast path: one list of flags', () => {
  it('the built spec is the command class’s flags (rebuild when this fails)', async () => {
    const built = createRequire(import.meta.url)(join(ROOT, 'dist/fast/entry.cjs')) as { specs: Record<string, CommandSpec> }
    expect(built.specs['check-window']).toEqual(SPEC)
    expect(SPEC.flags.map((f) => f.name).sort()).toEqual(Object.keys({ ...CheckWindow.baseFlags, ...CheckWindow.flags }).sort())
  })

  it('a flag the fast parser does not understand stops the spec (and so the build)', async () => {
    const { Flags } = await import('@oclif/core')
    const parsers = { boolean: Flags.boolean().parse, option: Flags.string().parse, arg: CheckWindow.args.inputs.parse }
    const odd = { ...CheckWindow, strict: false, args: CheckWindow.args, flags: { ...CheckWindow.flags, fmt: Flags.string({ multiple: true }) } }
    const { commandSpec } = await import('../../src/fast/flag-spec.js')
    expect(() => commandSpec('x', odd, parsers)).toThrow(/--fmt: multiple/)
    expect(() => commandSpec('x', { ...odd, flags: { n: Flags.integer() } }, parsers)).toThrow(/--n: its own parse/)
    expect(() => commandSpec('x', { ...odd, flags: { e: Flags.string({ env: 'X' }) } }, parsers)).toThrow(/"env"/)
    expect(() => commandSpec('x', { ...odd, flags: { p: Flags.string({ parse: async (s) => s.trim() }) } }, parsers)).toThrow(/its own parse/)
    expect(() => commandSpec('x', { ...odd, strict: true }, parsers)).toThrow(/strict/)
  })
})

describe('check-window fast path: it parses a line only as oclif does', () => {
  const accepted = [
    ['a.pem'],
    ['a.pem', 'b.pem', '-'],
    ['-r', 'dir', '--output', 'ndjson'],
    ['dir', '--recursive', '-o', 'csv', '--at', '+30d', '--tz', 'Asia/Shanghai'],
    ['a.pem', '--json', '--lang', 'zh-CN', '--profile', 'bank.json'],
    ['a.pem', '--output=prometheus', '--at=2026-12-01T00:00:00Z', '--lang=en'],
    ['-q', 'a.pem', '--password-stdin', '--debug'],
    ['--lab', '--lab-dir', '/tmp/lab', '--serial', '123', '--label', 'x', '--module', '/m.so', '--pin-stdin', '--force', '--login', '--token'],
    [],
  ]
  it.each(accepted.map((a) => [a.join(' '), a]))('takes %j, as oclif reads it', async (_s, argv) => {
    const fast = parseFast(argv as string[], SPEC)
    expect(fast).toBeDefined()
    expect(fast).toEqual(await oclifParse(argv as string[]))
  })

  const declined = [
    ['--help'],
    ['a.pem', '-h'],
    ['--version'],
    ['a.pem', '--bogus'],
    ['a.pem', '-rq'],
    ['-ojson', 'a.pem'],
    ['-o=json', 'a.pem'],
    ['--', '-x'],
    ['--quiet=true', 'a.pem'],
    ['--at', '-3d', 'a.pem'],
    ['--at=', 'a.pem'],
    ['--tz', '', 'a.pem'],
    ['--at'],
    ['--output', 'xml', 'a.pem'],
    ['--lang', 'fr', 'a.pem'],
    ['--json', '--quiet', 'a.pem'],
    // `--output table --json` parses on both paths now (issue 15); the clash is the use case's usage error (test/cli/conventions.test.ts).
    ['-q', '-o', 'csv', 'a.pem'],
    ['-r', '--recursive', 'a.pem'],
    ['--json', '--json', 'a.pem'],
    ['--no-quiet', 'a.pem'],
  ]
  it.each(declined.map((a) => [a.join(' '), a]))('leaves %j to oclif', (_s, argv) => {
    expect(parseFast(argv as string[], SPEC)).toBeUndefined()
  })

  it('any line it takes, oclif reads the same (generated lines)', async () => {
    const words = fc.constantFrom(
      'a.pem', 'b dir', '-', '--', '-r', '-q', '-o', '-x', '-rq', '-ojson', '--recursive', '--quiet', '--json', '--debug', '--lab', '--token',
      '--output', '--output=csv', '--at', '--at=+1d', '--tz', '--lang', '--lang=zh', '--profile', '--serial', '--help', '--no-json',
      'json', 'ndjson', 'csv', 'table', 'zh-CN', 'en', '+30d', '-30d', '2026-12-01', 'UTC', '', '=', '--=x', '--password-stdin',
    )
    await fc.assert(
      fc.asyncProperty(fc.array(words, { maxLength: 8 }), async (argv) => {
        const fast = parseFast(argv, SPEC)
        if (fast === undefined) return
        expect(fast).toEqual(await oclifParse(argv))
      }),
      { numRuns: 3000 },
    )
  })
})

describe('check-window fast path: byte-identical to the oclif command', () => {
  const run = (args: string[], opts: RunOptions = {}): Promise<RunResult> => ukey(['check-window', ...args], opts)
  const viaOclif = (args: string[], opts: RunOptions = {}): Promise<RunResult> => oclifRun(['check-window', ...args], opts)

  // A copy of the CLI without oclif's bundle (dist/ukey.js): a line the fast path
  // takes runs there all the same, so the comparisons below really compare two paths.
  let fastOnly: string
  const viaFastOnly = (args: string[], opts: RunOptions = {}): Promise<RunResult> => ukey(['check-window', ...args], { ...opts, root: fastOnly })

  const dir = mkdtempSync(join(tmpdir(), 'ukey-fast-'))
  const labDir = join(dir, 'lab')
  beforeAll(async () => {
    fastOnly = fastOnlyCopy()
    expect(existsSync(join(fastOnly, 'dist/ukey.js'))).toBe(false)

    mkdirSync(join(dir, 'tree/sub'), { recursive: true })
    for (const f of ['rsa.pem', 'ec.pem', 'sm2.pem']) cpSync(fixture(f), join(dir, 'tree', f))
    for (const f of ['chain.pem', 'bundle.p7b']) cpSync(fixture(f), join(dir, 'tree/sub', f))
    writeFileSync(join(dir, 'tree/sub/garbage.pem'), 'not a certificate\n')
    writeFileSync(join(dir, 'bank.json'), JSON.stringify({ name: 'Wide', window: { renewBeforeDays: 60, graceAfterDays: 10 } }))
    writeFileSync(join(dir, 'bad-bank.json'), JSON.stringify({ window: { renewBeforeDays: 'thirty' } }))
    const init = await ukey(['lab', 'init', '--dir', labDir, '--key', 'ec-p256'])
    expect(init.code, init.stderr).toBe(0)
  }, 120_000)

  const rsa = fixture('rsa.pem')
  const p12 = { env: { UKEY_P12_PASSWORD: 'test-p12-pass' } }
  const AT = ['--at', AT_STATES.renewable]
  type Case = RunOptions & { clock?: boolean }
  const cases: Array<[string, () => string[], Case?]> = [
    ...Object.entries(AT_STATES).map(([state, at]): [string, () => string[]] => [`one file, ${state}`, () => [rsa, '--at', at]]),
    ...Object.values(AT_STATES).map((at): [string, () => string[]] => [`--json at ${at}`, () => [rsa, '--json', '--at', at]]),
    ['several formats, ndjson', () => [rsa, fixture('rsa.der'), fixture('bundle.p7b'), fixture('sm2.pem'), '--at', AT_STATES.renewable, '--output', 'ndjson']],
    ['csv', () => [fixture('chain.pem'), '-o', 'csv', '--at', AT_STATES.grace]],
    ['prometheus', () => [fixture('chain.pem'), fixture('ec.pem'), '--output=prometheus', '--at', AT_STATES.lapsed]],
    ['--quiet', () => [rsa, '--at', AT_STATES.grace, '--quiet']],
    ['-q with a bad input', () => ['-q', rsa, join(dir, 'missing.pem'), ...AT]],
    ['--at +30d, --tz (times masked: now moves)', () => [rsa, '--at', '+30d', '--tz', 'Asia/Shanghai'], { clock: true }],
    ['--tz UTC, zh-CN', () => [rsa, '--at', AT_STATES.renewable, '--tz', 'UTC', '--lang', 'zh-CN']],
    ['--lang en over LANG', () => [rsa, '--at', AT_STATES.lapsed, '--lang', 'en'], { env: { LANG: 'zh_CN.UTF-8' } }],
    ['Chinese from LANG', () => [rsa, '--at', AT_STATES.valid], { env: { LANG: 'zh_CN.UTF-8' } }],
    ['now (times masked)', () => [rsa, fixture('ec.pem')], { clock: true }],
    ['colour (FORCE_COLOR, chalk loaded late)', () => [rsa, fixture('chain.pem'), ...AT], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } }],
    ['-r over a tree with a bad file', () => ['-r', join(dir, 'tree'), '--at', AT_STATES.renewable]],
    ['a tree without -r', () => [join(dir, 'tree'), '--output', 'ndjson', '--at', AT_STATES.renewable]],
    ['stdin', () => ['-', '--at', AT_STATES.grace, '--json'], { stdin: '' }],
    ['every bad input', () => [...['bad-date.pem', 'binary.bin', 'broken-base64.pem', 'empty.pem', 'not-cert.txt', 'truncated.der', 'truncated.pem'].map((f) => join(FIXTURES, 'bad', f)), join(dir, 'nope.pem'), ...AT]],
    ['bad inputs in zh-CN, json', () => [join(FIXTURES, 'bad/empty.pem'), join(dir, 'nope.pem'), '--json', '--lang', 'zh-CN', ...AT]],
    ['PKCS#12 with UKEY_P12_PASSWORD', () => [fixture('aes.p12'), fixture('legacy.p12'), '--at', AT_STATES.renewable], p12],
    ['PKCS#12, wrong password', () => [fixture('aes.p12'), '--output', 'ndjson', ...AT], { env: { UKEY_P12_PASSWORD: 'nope' } }],
    ['PKCS#12 without a password (no prompt: CI)', () => [fixture('aes.p12'), ...AT]],
    ['PKCS#12, --password-stdin', () => [fixture('aes.p12'), '--password-stdin', '--at', AT_STATES.grace], { stdin: 'test-p12-pass\n' }],
    ['--profile', () => [rsa, '--at', '2026-11-05T00:00:00Z', '--json', '--profile', join(dir, 'bank.json')]],
    ['a bad --profile', () => [rsa, '--profile', join(dir, 'bad-bank.json'), ...AT]],
    ['UKEY_PROFILE', () => [rsa, '--at', '2026-11-05T00:00:00Z'], { env: { UKEY_PROFILE: join(dir, 'bank.json') } }],
    ['no input', () => []],
    ['a bad --at', () => [rsa, '--at', 'tomorrow']],
    ['a bad --tz', () => [rsa, '--tz', 'Mars/Olympus']],
    ['- with --password-stdin', () => ['-', '--password-stdin']],
    ['--debug on a bad input', () => [join(dir, 'nope.pem'), '--debug', ...AT]],
    ['--lab, its token', () => ['--lab', '--lab-dir', labDir, '--at', AT_STATES.valid, '--output', 'ndjson']],
    ['--lab with a file (the lab profile)', () => [rsa, '--lab', '--lab-dir', labDir, '--json', ...AT]],
    ['--lab without a lab', () => ['--lab', '--lab-dir', join(dir, 'no-lab')]],
  ]

  // Without --at the evaluation instant is now, different in each run: masked where a case says so.
  const TIME = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{3})?|\(in \d+ days\)/g
  const masked = (r: RunResult, clock?: boolean): RunResult => (clock ? { ...r, stdout: r.stdout.replace(TIME, '…'), stderr: r.stderr.replace(TIME, '…') } : r)

  it.each(cases)('%s', async (_name, args, opts = {}) => {
    const a = args()
    expect(parseFast(a, SPEC), 'the fast path takes this line').toBeDefined()
    const [fast, oclif] = await Promise.all([viaFastOnly(a, opts), viaOclif(a, opts)])
    expect(masked(fast, opts.clock)).toEqual(masked(oclif, opts.clock))
    // …and bin/run.js in the tree takes the fast path too.
    expect(masked(await run(a, opts), opts.clock)).toEqual(masked(oclif, opts.clock))
  })

  const fallbacks: Array<[string, string[]]> = [
    ['--help', [rsa, '--help']],
    ['an unknown flag', [rsa, '--bogus']],
    ['grouped short flags', [rsa, '-rq']],
    ['exclusive flags', [rsa, '--json', '--quiet']],
    ['a value oclif refuses', [rsa, '--output', 'xml']],
    ['a flag twice', [rsa, '--at', '+1d', '--at', '+2d']],
  ]
  it.each(fallbacks)('%s: oclif’s answer, unchanged', async (_name, a) => {
    expect(parseFast(a, SPEC)).toBeUndefined()
    const [tree, oclif, fastOnlyRun] = await Promise.all([run(a), viaOclif(a), viaFastOnly(a)])
    expect(tree).toEqual(oclif)
    // Without oclif's bundle the line cannot run: it never went the fast way.
    expect(fastOnlyRun.stderr).toContain('dist/ukey.js')
  })

  it('DEBUG (oclif’s debug log) leaves even a plain line to oclif', async () => {
    const r = await viaFastOnly([rsa], { env: { DEBUG: '*' } })
    expect(r.stderr).toContain('dist/ukey.js')
  })
})
