// show-cert on what check-window reads: one certificate policy (src/cert/limits.ts)
// and the same streaming, so a bundle costs show-cert about what it costs
// check-window. Before: a valid certificate with a 1.2 MB subject was "damaged"
// for show-cert only (an ASN.1 node limit), and 10,000 certificates took 16 s
// and 210 MB where check-window took 0.3 s.
import { spawn } from 'node:child_process'
import { mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import 'reflect-metadata'
import * as x509 from '@peculiar/x509'
import { describe, expect, it } from 'vitest'
import { distinctBundle } from '../helpers/cert-bundle.js'
import { ROOT, isolatedEnv, ukey } from '../helpers/cli.js'

interface Usage {
  maxRSS: number
  userCPUTime: number
  systemCPUTime: number
}

/** Runs the CLI with stdout to /dev/null; its own peak RSS (KiB) and CPU time (µs), and the wall time. */
async function measured(args: string[]): Promise<{ code: number; usage: Usage; wallMs: number }> {
  const file = join(mkdtempSync(join(tmpdir(), 'ukey-usage-')), 'usage.json')
  const preload = pathToFileURL(join(ROOT, 'test/helpers/usage-at-exit.mjs')).href
  const started = performance.now()
  const child = spawn(process.execPath, ['--import', preload, join(ROOT, 'bin/run.js'), ...args], {
    env: isolatedEnv({ UKEY_TEST_USAGE_FILE: file, NODE_EXTRA_CA_CERTS: undefined }),
    stdio: ['ignore', openSync('/dev/null', 'w'), 'ignore'],
  })
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)))
  return { code, usage: JSON.parse(readFileSync(file, 'utf8')) as Usage, wallMs: performance.now() - started }
}

const cpuMs = (u: Usage): number => (u.userCPUTime + u.systemCPUTime) / 1000

describe('show-cert streams a large bundle as check-window does', () => {
  it('10,000 certificates: under 300 MB peak RSS and within 3× check-window’s time on the same file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ukey-bundle-'))
    const bundle = join(dir, 'batch.pem')
    writeFileSync(bundle, distinctBundle(10_000))
    // Best of two for each: the machine is shared, and the slower run says more about it than about ukey.
    const runs = { check: [] as Awaited<ReturnType<typeof measured>>[], show: [] as Awaited<ReturnType<typeof measured>>[], json: [] as Awaited<ReturnType<typeof measured>>[] }
    for (let i = 0; i < 2; i++) {
      runs.check.push(await measured(['check-window', bundle, '--at', '2026-06-01']))
      runs.show.push(await measured(['show-cert', bundle, '--at', '2026-06-01']))
      runs.json.push(await measured(['show-cert', bundle, '--at', '2026-06-01', '--json']))
    }
    const best = (rs: Awaited<ReturnType<typeof measured>>[]) => ({ cpu: Math.min(...rs.map((r) => cpuMs(r.usage))), wall: Math.min(...rs.map((r) => r.wallMs)), rssMB: Math.max(...rs.map((r) => r.usage.maxRSS)) / 1024, codes: rs.map((r) => r.code) })
    const check = best(runs.check)
    const show = best(runs.show)
    const json = best(runs.json)
    // The figures, for the report (vitest prints them with --reporter=verbose or on failure).
    console.log(JSON.stringify({ check, show, json }))
    expect(check.codes).toEqual([0, 0])
    expect(show.codes).toEqual([0, 0])
    expect(json.codes).toEqual([0, 0])
    expect(show.rssMB).toBeLessThan(300)
    expect(json.rssMB).toBeLessThan(300)
    expect(show.cpu).toBeLessThan(3 * check.cpu)
    expect(json.cpu).toBeLessThan(3 * check.cpu)
  }, 180_000)

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
