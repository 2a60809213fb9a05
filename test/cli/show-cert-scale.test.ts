// show-cert on what check-window reads: one certificate policy (src/cert/limits.ts)
// and the same streaming. Before: a valid certificate with a 1.2 MB subject was
// "damaged" for show-cert only (an ASN.1 node limit), and 10,000 certificates
// were held whole and joined at the end (16 s and 210 MB where check-window took
// 0.3 s). Here the streaming and the bounded memory are asserted as behaviour,
// not as a time (the project's rule: no timed tests; figures live in bench/).
import { spawn } from 'node:child_process'
import { mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import 'reflect-metadata'
import * as x509 from '@peculiar/x509'
import { describe, expect, it } from 'vitest'
import { distinctBundle } from '../helpers/cert-bundle.js'
import { ROOT, collect, isolatedEnv, ukey, type RunResult } from '../helpers/cli.js'

/** Runs the CLI with stdout to /dev/null; its exit code and its own peak RSS in KiB (getrusage, all threads). */
async function peakRss(args: string[]): Promise<{ code: number; maxRSS: number }> {
  const file = join(mkdtempSync(join(tmpdir(), 'ukey-usage-')), 'usage.json')
  const preload = pathToFileURL(join(ROOT, 'test/helpers/usage-at-exit.mjs')).href
  const child = spawn(process.execPath, ['--import', preload, join(ROOT, 'bin/run.js'), ...args], {
    env: isolatedEnv({ UKEY_TEST_USAGE_FILE: file, NODE_EXTRA_CA_CERTS: undefined }),
    stdio: ['ignore', openSync('/dev/null', 'w'), 'ignore'],
  })
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)))
  return { code, maxRSS: (JSON.parse(readFileSync(file, 'utf8')) as { maxRSS: number }).maxRSS }
}

/** The subject CNs (distinctBundle numbers them 000000, 000001, …) in the order a card or a JSON record shows them. */
const subjects = (text: string): string[] => [...text.matchAll(/CN=(\d{6}),/g)].map((m) => m[1]!)

const numbers = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => String(from + i).padStart(6, '0'))

// Longer than any start and 300 cards can take on a loaded machine: a hang guard, not a measure.
const HANG_GUARD_MS = 60_000

/**
 * show-cert on `files` and then `-`, standard input held open and empty by the
 * test. Waits until stdout shows `firstShown` certificates, and only then writes
 * `rest` to standard input and closes it. `before` is stdout as it stood at that
 * moment. A show-cert that holds its output until all its input is read never
 * shows the first ones while stdin is open: the hang guard fails the test.
 */
async function showBeforeTheRest(args: string[], files: string[], rest: Buffer, firstShown: number): Promise<{ before: string; after: RunResult }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/run.js'), 'show-cert', ...args, ...files, '-'], { env: isolatedEnv(), stdio: ['pipe', 'pipe', 'pipe'] })
  const result = collect(child)
  try {
    const chunks: Buffer[] = []
    const before = await new Promise<string>((resolve, reject) => {
      const guard = setTimeout(() => reject(new Error(`no ${firstShown} certificates on stdout in ${HANG_GUARD_MS} ms while stdin was open: show-cert held its output`)), HANG_GUARD_MS)
      const onData = (d: Buffer): void => {
        chunks.push(d)
        const text = Buffer.concat(chunks).toString('utf8')
        if (subjects(text).length < firstShown) return
        clearTimeout(guard)
        child.stdout.off('data', onData)
        resolve(text)
      }
      child.stdout.on('data', onData)
      child.on('close', (code) => reject(new Error(`show-cert exited (${code}) before stdin was written`)))
    })
    child.stdin.end(rest)
    return { before, after: await result }
  } finally {
    child.kill()
  }
}

describe('show-cert streams a large bundle as check-window does', () => {
  it('10,000 certificates in one file: under 300 MB peak RSS, cards and JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ukey-bundle-'))
    const bundle = join(dir, 'batch.pem')
    writeFileSync(bundle, distinctBundle(10_000))
    const show = await peakRss(['show-cert', bundle, '--at', '2026-06-01'])
    const json = await peakRss(['show-cert', bundle, '--at', '2026-06-01', '--json'])
    expect([show.code, json.code]).toEqual([0, 0])
    expect(show.maxRSS / 1024).toBeLessThan(300)
    expect(json.maxRSS / 1024).toBeLessThan(300)
  }, 180_000)

  // One input is read whole (size-capped, bounded-read.ts), so the input the test
  // holds back is a later one: standard input after 300 files, more than one
  // batch of inputs (BATCH_FILES, read-certificates.ts). The cards of the files
  // must be on stdout before the test writes the 9,700 certificates on stdin.
  for (const [form, args] of [['cards', ['--lang', 'en']], ['JSON', ['--json']]] as const) {
    it(`${form}: the first certificates are shown before the rest of 10,000 is written, then all 10,000 in order`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ukey-stream-'))
      const pems = distinctBundle(10_000).toString('latin1').split(/(?<=-----END CERTIFICATE-----\n)/)
      const files = pems.slice(0, 300).map((pem, i) => {
        const file = join(dir, `${String(i).padStart(4, '0')}.pem`)
        writeFileSync(file, pem, 'latin1')
        return file
      })
      const { before, after } = await showBeforeTheRest([...args, '--at', '2026-06-01'], files, Buffer.from(pems.slice(300).join(''), 'latin1'), 2)
      // The first files' certificates, in order, shown while stdin was still open and empty.
      const shown = subjects(before)
      expect(shown).toEqual(numbers(0, shown.length))
      expect(shown.length).toBeGreaterThanOrEqual(2)
      expect(after.stderr).toBe('')
      expect(after.code).toBe(0)
      expect(subjects(after.stdout)).toEqual(numbers(0, 10_000))
      if (form === 'JSON') {
        const doc = JSON.parse(after.stdout) as { certificates: Array<{ source: string }>; errors: unknown[]; exitCode: number }
        expect(doc.certificates).toHaveLength(10_000)
        expect(doc.certificates.filter((c) => c.source === '-')).toHaveLength(9_700)
        expect([doc.errors, doc.exitCode]).toEqual([[], 0])
      } else {
        const headings = after.stdout.split('\n').filter((l) => l.startsWith(dir) || l.startsWith('-#'))
        expect(headings).toEqual([...files, ...Array.from({ length: 9_700 }, (_, i) => `-#${i + 1}`)])
      }
    }, 180_000)
  }

  it('the bundle’s cards and JSON document say what each certificate is (not one repeated)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ukey-bundle-'))
    const bundle = join(dir, 'three.pem')
    writeFileSync(bundle, distinctBundle(3))
    const doc = JSON.parse((await ukey(['show-cert', bundle, '--json'])).stdout)
    expect(doc.certificates.map((c: { certificate: { subject: { dn: string } } }) => c.certificate.subject.dn)).toEqual([0, 1, 2].map((i) => expect.stringContaining(`CN=00000${i},`)))
    const cards = (await ukey(['show-cert', bundle, '--lang', 'en'])).stdout
    expect(cards.split('\n').filter((l) => l.startsWith(bundle))).toEqual([`${bundle}#1`, `${bundle}#2`, `${bundle}#3`])
  })
})

/** A certificate whose subject is over 1.2 MB (3,000 OU attributes, ~12,000 ASN.1 nodes), issued by a small CA. */
async function bigSubjectCertificate(): Promise<string> {
  const { webcrypto } = await import('node:crypto')
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }
  const keys = await webcrypto.subtle.generateKey(alg, false, ['sign', 'verify'])
  const rdns: Array<Record<string, string[]>> = [{ C: ['CN'] }, { O: ['Big Subject Bank'] }]
  for (let i = 0; i < 3000; i++) rdns.push({ OU: [`unit ${String(i).padStart(6, '0')} `.padEnd(400, 'x')] })
  rdns.push({ CN: ['big subject'] })
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '0123',
    subject: new x509.Name(rdns),
    issuer: 'C=CN, O=Big Subject Bank, CN=Small CA',
    notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter: new Date('2027-01-01T00:00:00Z'),
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    signingAlgorithm: alg,
  })
  return cert.toString('pem')
}

describe('one certificate policy for both commands', () => {
  it('a valid certificate with a 1.2 MB subject is read by show-cert as by check-window', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ukey-bigsubj-'))
    const file = join(dir, 'big-subject.pem')
    writeFileSync(file, await bigSubjectCertificate())
    const checked = await ukey(['check-window', file, '--json'])
    expect(checked.code).toBe(0)
    const windowed = JSON.parse(checked.stdout).certificates[0].certificate
    const shown = await ukey(['show-cert', file, '--json'])
    expect(shown.stderr).toBe('')
    expect(shown.code).toBe(0)
    const c = JSON.parse(shown.stdout).certificates[0].certificate
    // One certificate object: check-window and show-cert say the same of it, the 1.2 MB subject included.
    expect(c).toEqual(windowed)
    expect(c.subject.dn.length).toBeGreaterThan(1_200_000)
    expect(c.subject.dn).toMatch(/^CN=big subject,OU=unit 002999 x+,OU=unit 002998 /)
    expect(c.subject.dn).toMatch(/,O=Big Subject Bank,C=CN$/)
    expect(c.issuer).toEqual({ dn: 'CN=Small CA,O=Big Subject Bank,C=CN', cn: 'Small CA' })
  }, 120_000)

  it('a certificate over the size limit is refused by both, with the same error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ukey-oversize-'))
    const file = join(dir, 'huge.der')
    const len = 16 * 1024 * 1024 + 1
    writeFileSync(file, Buffer.concat([Buffer.from([0x30, 0x84, len >>> 24, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff]), Buffer.alloc(len)]))
    const checked = JSON.parse((await ukey(['check-window', file, '--json'])).stdout).errors
    const shown = JSON.parse((await ukey(['show-cert', file, '--json'])).stdout).errors
    expect(checked).toEqual([expect.objectContaining({ code: 'CERT_CORRUPT', message: expect.stringContaining('the limit is 16777216') })])
    expect(shown).toEqual(checked)
  })
})
