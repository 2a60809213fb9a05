// Over many files, check-window's ndjson and --quiet run on batch threads that read,
// classify and render whole files (src/app/window-worker.ts), the main thread taking
// back batches no thread has started (work stealing); other formats keep the reading
// thread. Whichever thread does a file, the built CLI must print exactly what the
// single-threaded path prints (UKEY_READ_THREAD=off): the same records in input order,
// the same errors for the bad files (left to the main thread), the same exit code.
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIXTURES, ROOT, ukey, type RunResult } from '../helpers/cli.js'

// PKCS#12 (slow to open) only now and then: the threads hand those back to the main thread.
const GOOD = ['rsa.pem', 'ec.pem', 'rsa.der', 'chain.pem', 'bundle.p7b', 'sm2.pem', 'bmp.pem', 'rsa.pem', 'ec.pem', 'rsa.der', 'chain.pem', 'bundle.p7b', 'sm2.pem', 'nopass.p12']
const BAD = ['bad/empty.pem', 'bad/binary.bin', 'bad/broken-base64.pem', 'bad/truncated.der', 'bad/not-cert.txt', 'bad/garbage-after.der', 'bad/truncated.pem', 'bad/corrupt.p12']
const AT = '2026-12-15T00:00:00Z'
const PROBE = join(ROOT, 'test/helpers/thread-probe.mjs')

interface Probe {
  programThreads: number
  plainThreads: number
  offloadedBatches: number
  ringAnswers: number
  ringSlots: number
}

/** One run with the thread probe loaded: what it printed and which threads did the work. */
async function probed(args: string[], env: Record<string, string>): Promise<{ run: RunResult; probe: Probe }> {
  const out = join(mkdtempSync(join(tmpdir(), 'ukey-probe-')), 'probe.json')
  const run = await ukey(args, { env: { ...env, NODE_OPTIONS: `--import=${PROBE}`, THREAD_PROBE_OUT: out } })
  return { run, probe: JSON.parse(readFileSync(out, 'utf8')) as Probe }
}

describe('check-window over a mixed tree: batch threads, reading thread, no thread, same output', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ukey-batch-threads-'))
  let unreadable = ''
  beforeAll(() => {
    const big = readFileSync(join(FIXTURES, 'rsa.pem'), 'utf8')
    // 3,300 files (13 batches of 256): the first eight read here, then threads, then stealing.
    for (let i = 0; i < 3300; i++) {
      const sub = join(dir, String(Math.floor(i / 700)))
      mkdirSync(sub, { recursive: true })
      const name = (ext: string): string => {
        const n = join(sub, `f${String(i).padStart(4, '0')}${ext}`)
        if (i === 2505) unreadable = n
        return n
      }
      if (i % 41 === 0) {
        const src = BAD[(i / 41) % BAD.length]!
        copyFileSync(join(FIXTURES, src), name(src.slice(src.lastIndexOf('.'))))
      } else if (i === 2300) {
        // Larger than a thread's single read (256 KiB): read by the main thread.
        writeFileSync(name('.pem'), 'x'.repeat(300 * 1024) + '\n' + big)
      } else if (i === 2400) {
        // A PEM file with a good and a damaged block: certificates and a problem in one file.
        writeFileSync(name('.pem'), big + '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')
      } else if (i === 2600) {
        // A symbolic link to a certificate: not a regular entry, read by the main thread.
        symlinkSync(join(FIXTURES, 'ec.pem'), name('.pem'))
      } else {
        const src = GOOD[i % GOOD.length]!
        copyFileSync(join(FIXTURES, src), name(src.slice(src.lastIndexOf('.'))))
      }
    }
    // Unreadable (meaningful when not run as root: root reads it anyway, alike on every path).
    chmodSync(unreadable, 0o000)
  })
  afterAll(() => chmodSync(unreadable, 0o600))

  it.each([
    ['ndjson', ['--output', 'ndjson']],
    ['ndjson, zh-CN, --tz', ['--output', 'ndjson', '--lang', 'zh-CN', '--tz', 'Asia/Shanghai']],
    ['--quiet', ['--quiet']],
  ])('%s: byte for byte the same on every path, and the threads did files', async (_name, flags) => {
    const args = ['check-window', '-r', dir, '--at', AT, ...flags]
    const single = await ukey(args, { env: { UKEY_READ_THREAD: 'off' } })
    // The batch threads from the tenth batch (by default the 41st, past this tree): the
    // reading thread before them, then the program's threads, then the stealing.
    const [reading, one, two] = await Promise.all([
      probed(args, { UKEY_READ_THREAD: 'read' }),
      probed(args, { UKEY_BATCH_THREADS: '1', UKEY_BATCH_FROM: '10' }),
      probed(args, { UKEY_BATCH_THREADS: '2', UKEY_BATCH_FROM: '10' }),
    ])
    expect(reading.run).toEqual(single)
    expect(one.run).toEqual(single)
    expect(two.run).toEqual(single)
    // Renewable certificates at AT outrank the bad files (exit codes: 12 > 11 > 10 > 13 > 3).
    expect(single.code).toBe(10)
    expect(reading.probe).toMatchObject({ programThreads: 0, plainThreads: 1 })
    expect(one.probe).toMatchObject({ programThreads: 1, plainThreads: 1 })
    expect(two.probe).toMatchObject({ programThreads: 2, plainThreads: 1 })
    expect(one.probe.offloadedBatches).toBeGreaterThan(0)
    expect(two.probe.offloadedBatches).toBeGreaterThan(0)
    if (flags[0] === '--output') {
      const lines = single.stdout.trim().split('\n')
      expect(lines.length).toBeGreaterThan(3300)
      // A bad file past the first batches, reported in its place.
      expect(lines.some((l) => l.includes('f2296') && l.includes('"type":"error"'))).toBe(true)
      expect(single.stdout).toContain('f2600.pem')
    }
    // Four CLI runs over 3,300 files: well over a minute when the machine is shared.
  }, 240_000)
})

// The other outputs keep the reading thread, whose answers come in a ring of slots that later
// batches overwrite once a batch is done (ReadOptions.reuse): over 6,000 files (16 batches past
// the first eight) and a ring of two slots, each slot is used again and again, and the output
// must still be what the single-threaded path prints.
describe("the reading thread's ring: slots used again, the same output", () => {
  const dir = mkdtempSync(join(tmpdir(), 'ukey-ring-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  beforeAll(() => {
    for (let i = 0; i < 6000; i++) {
      const sub = join(dir, String(Math.floor(i / 1000)))
      mkdirSync(sub, { recursive: true })
      const src = i % 97 === 0 ? BAD[(i / 97) % BAD.length]! : GOOD[i % (GOOD.length - 1)]!
      copyFileSync(join(FIXTURES, src), join(sub, `f${String(i).padStart(4, '0')}${src.slice(src.lastIndexOf('.'))}`))
    }
  })

  it.each([
    ['check-window, a table', ['check-window', '-r', dir, '--at', AT]],
    ['check-window --json', ['check-window', '-r', dir, '--at', AT, '--json']],
    ['check-window, CSV', ['check-window', '-r', dir, '--at', AT, '--output', 'csv']],
    ['show-cert --json', ['show-cert', '-r', dir, '--at', AT, '--json']],
  ])('%s: the same output as without the thread', async (_name, args) => {
    // Two slots (UKEY_RING_SLOTS): from the third answer on, each comes in a slot used before.
    const [single, reading] = await Promise.all([ukey(args, { env: { UKEY_READ_THREAD: 'off' } }), probed(args, { UKEY_RING_SLOTS: '2' })])
    expect(reading.run).toEqual(single)
    expect(reading.probe).toMatchObject({ programThreads: 0, plainThreads: 1 })
    // More answers in the ring than slots they came in: a slot was used again.
    expect(reading.probe.ringAnswers).toBeGreaterThan(reading.probe.ringSlots)
  }, 240_000)
})
