// Reading a large tree: from the ninth batch of 256 files on, a reader thread
// reads regular files ahead while the main thread decodes. Whatever the thread
// reads or leaves to the main thread, each file must give exactly the events it
// gives when read alone, in the same order: certificates, and every bad input
// reported with the same code and message.

import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { CertificateEvent } from '../../src/cert/events.js'
import { readCertificates } from '../../src/hardware/soft-store/read-certificates.js'
import { FIXTURES } from '../helpers/cli.js'

// PKCS#12 (slow to open: node-forge) only now and then, so that 2,900 files stay quick.
const GOOD = ['rsa.pem', 'ec.pem', 'rsa.der', 'chain.pem', 'bundle.p7b', 'sm2.pem', 'rsa.pem', 'ec.pem', 'rsa.der', 'chain.pem', 'bundle.p7b', 'sm2.pem', 'nopass.p12']
const BAD: Array<[string, string]> = [
  ['bad/empty.pem', 'pem'], ['bad/binary.bin', 'der'], ['bad/broken-base64.pem', 'pem'], ['bad/truncated.der', 'der'],
  ['bad/not-cert.txt', 'pem'], ['bad/garbage-after.der', 'der'], ['bad/truncated.pem', 'pem'], ['bad/corrupt.p12', 'p12'],
]

function view(events: CertificateEvent[]): string[] {
  return events.map((e) => (e.type === 'certificate'
    ? `cert ${e.source} #${e.index} ${e.format} ${e.cert.serial} ${e.cert.notAfter.toISOString()}`
    : `error ${e.source} ${e.error.code} ${JSON.stringify(e.error.params)}`))
}

async function all(inputs: string[], recursive: boolean): Promise<string[]> {
  const out: string[] = []
  for await (const batch of readCertificates({ inputs, recursive, stdin: process.stdin })) out.push(...view(batch))
  return out
}

describe('reading a tree larger than the batches read before the thread starts', () => {
  it('every file gives the same events as when read alone, in order, bad ones after the first batch included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ukey-readahead-'))
    const files: string[] = []
    const big = readFileSync(join(FIXTURES, 'rsa.pem'), 'utf8')
    for (let i = 0; i < 2900; i++) {
      const sub = join(dir, String(Math.floor(i / 300)))
      mkdirSync(sub, { recursive: true })
      let name: string
      if (i > 256 && i % 37 === 0) {
        const [src, ext] = BAD[(i / 37) % BAD.length]!
        name = join(sub, `f${String(i).padStart(4, '0')}.${ext}`)
        copyFileSync(join(FIXTURES, src), name)
      } else if (i === 2300) {
        // Larger than the reader's single read (256 KiB): read by the main thread.
        name = join(sub, `f${i}.pem`)
        writeFileSync(name, 'x'.repeat(300 * 1024) + '\n' + big)
      } else {
        const src = GOOD[i % GOOD.length]!
        name = join(sub, `f${String(i).padStart(4, '0')}${src.slice(src.lastIndexOf('.'))}`)
        copyFileSync(join(FIXTURES, src), name)
      }
      files.push(name)
    }
    // Unreadable (meaningful when not run as root: root reads it anyway, alike on both paths).
    chmodSync(files[2500]!, 0o000)

    const whole = await all([dir], true)
    const alone: string[] = []
    for (const f of [...files].sort()) alone.push(...(await all([f], false)))
    expect(whole.length).toBeGreaterThan(2900)
    expect(whole).toEqual(alone)
    expect(whole.some((l) => l.startsWith('error') && l.includes('f2294'))).toBe(true)
    chmodSync(files[2500]!, 0o600)
    // 2,900 files read as a tree and one by one: a minute or more when the machine is shared.
  }, 180_000)
})
