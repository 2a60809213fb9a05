// The reader thread can also decode (UKEY_READ_THREAD=decode; file-reader.ts,
// decode-worker.ts), and the main thread takes batches the thread has not started
// (work stealing). Whichever thread reads and decodes a file, the built CLI must
// print exactly the same bytes: same records in input order, same errors for the
// bad files, same exit code.
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIXTURES, ukey } from '../helpers/cli.js'

// PKCS#12 (slow to open) only now and then: the thread hands those back to the main thread.
const GOOD = ['rsa.pem', 'ec.pem', 'rsa.der', 'chain.pem', 'bundle.p7b', 'sm2.pem', 'rsa.pem', 'ec.pem', 'rsa.der', 'chain.pem', 'bundle.p7b', 'sm2.pem', 'nopass.p12']
const BAD = ['bad/empty.pem', 'bad/binary.bin', 'bad/broken-base64.pem', 'bad/truncated.der', 'bad/not-cert.txt', 'bad/garbage-after.der', 'bad/truncated.pem', 'bad/corrupt.p12']
const AT = '2026-12-15T00:00:00Z'

describe('check-window over a mixed tree: decoding thread, reading thread, same output', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ukey-decode-thread-'))
  let unreadable = ''
  beforeAll(() => {
    const big = readFileSync(join(FIXTURES, 'rsa.pem'), 'utf8')
    // 2,900 files: the thread starts at the ninth batch of 256, then it and the stealing both have work.
    for (let i = 0; i < 2900; i++) {
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
        // Larger than the thread's single read (256 KiB): read by the main thread.
        writeFileSync(name('.pem'), 'x'.repeat(300 * 1024) + '\n' + big)
      } else if (i === 2400) {
        // A PEM file with a good and a damaged block: certificates and a problem in one file.
        writeFileSync(name('.pem'), big + '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')
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
    ['table, zh-CN', ['--lang', 'zh-CN']],
    ['--quiet', ['--quiet']],
  ])('%s: byte for byte the same', async (_name, flags) => {
    const args = ['check-window', '-r', dir, '--at', AT, ...flags]
    const [plain, decode] = await Promise.all([ukey(args), ukey(args, { env: { UKEY_READ_THREAD: 'decode' } })])
    expect(decode).toEqual(plain)
    if (flags[0] === '--output') {
      expect(plain.stdout.trim().split('\n').length).toBeGreaterThan(2900)
      // A bad file past the first batch, reported.
      expect(plain.stdout + plain.stderr).toContain('f2296')
    }
    // Two CLI runs over 2,900 files: well over a minute when the machine is shared.
  }, 180_000)
})
