// The lab CMP server under a bounded load and under fuzzing (issue 5): 1,000 mixed
// good and bad requests over HTTP on 127.0.0.1 with every good one answered
// correctly, and mutated messages thrown straight at handle(): always a CMP
// answer, never a crash, never a hang.
import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLabCa, issueCertificate, type LabCa } from '../../src/lab/ca.js'
import { createLabCmpServer, type LabCmpServer } from '../../src/lab/cmp-server.js'
import type { CmpHttpServer } from '../../src/lab/cmp-http.js'
import { buildKeyUpdateRequest, certificateFields, readResponse, softwareSigner, verifyProtection } from '../../src/renewal/cmp/index.js'
import { spkiOf } from '../../src/renewal/cmp/signer.js'
import { pemToDer } from '../helpers/openssl-cmp.js'

const DAY = 86_400_000
let ca: LabCa
let caDer: Buffer
let server: LabCmpServer
let http: CmpHttpServer
const oldKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
const newKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
let oldDer: Buffer
let strangerDer: Buffer

beforeAll(async () => {
  ca = await createLabCa(new Date())
  caDer = pemToDer(ca.certPem)
  const validity = { notBefore: new Date(Date.now() - 300 * DAY), notAfter: new Date(Date.now() + 10 * DAY) }
  oldDer = await issueCertificate(ca, { spki: spkiOf(oldKey), subject: 'C=CN,O=ukey lab,CN=负载测试', serialHex: '4c01', ...validity })
  const other = await createLabCa(new Date())
  strangerDer = await issueCertificate(other, { spki: spkiOf(oldKey), subject: 'C=CN,O=elsewhere,CN=stranger', serialHex: '4c02', ...validity })
  server = createLabCmpServer({ ca, policy: { renewBeforeDays: 30, graceAfterDays: 90 }, stateFile: join(mkdtempSync(join(tmpdir(), 'ukey-load-')), 'renewals.json') })
  http = await server.listen('127.0.0.1', 0)
})
afterAll(async () => {
  await http?.close()
})

function post(body: Buffer, opts: { method?: string; type?: string } = {}): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(http.url, { method: opts.method ?? 'POST', headers: { 'content-type': opts.type ?? 'application/pkixcmp', 'content-length': body.length }, timeout: 20_000 }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.end(body)
  })
}

const kur = async (cert: Buffer) => buildKeyUpdateRequest({ oldCert: cert, newSpki: spkiOf(newKey), signerOld: softwareSigner(oldKey), signerNew: softwareSigner(newKey) })

describe('lab CMP server', () => {
  it('answers 1,000 mixed good and bad requests (25 at a time); every good one gets its certificate', async () => {
    type Job = { kind: 'good' | 'garbage' | 'truncated' | 'flipped' | 'stranger' | 'method' | 'type' | 'oversize'; run: () => Promise<void> }
    const outcomes: Record<string, number> = {}
    const count = (k: string) => (outcomes[k] = (outcomes[k] ?? 0) + 1)
    const jobs: Job[] = []
    const kinds: Job['kind'][] = ['good', 'good', 'good', 'good', 'garbage', 'truncated', 'flipped', 'stranger', 'method', 'type', 'oversize', 'good']
    for (let i = 0; i < 1000; i++) {
      const kind = kinds[i % kinds.length]!
      jobs.push({
        kind,
        run: async () => {
          if (kind === 'good') {
            const req = await kur(oldDer)
            const r = await post(req.der)
            expect(r.status).toBe(200)
            verifyProtection(r.body, { trusted: [caDer], expect: { transactionID: req.transactionID, recipNonce: req.senderNonce } })
            const res = readResponse(r.body)
            expect(res).toMatchObject({ kind: 'kup', status: { status: 'accepted' } })
            if (res.kind === 'kup') expect(certificateFields(res.certificate!).spki).toEqual(spkiOf(newKey))
          } else if (kind === 'method' || kind === 'type' || kind === 'oversize') {
            const r = kind === 'method' ? await post(Buffer.alloc(0), { method: 'GET' })
              : kind === 'type' ? await post(Buffer.from('{}'), { type: 'application/json' })
                : await post(Buffer.alloc(70 * 1024, 0x30))
            expect(r.status).toBe(kind === 'method' ? 405 : kind === 'type' ? 415 : 413)
          } else {
            const good = (await kur(kind === 'stranger' ? strangerDer : oldDer)).der
            const body = kind === 'garbage' ? Buffer.from(`not a PKIMessage ${i}`)
              : kind === 'truncated' ? good.subarray(0, (i * 7) % good.length)
                : kind === 'flipped' ? Buffer.from(good.map((b, j) => (j === (i * 13) % good.length ? b ^ 0x40 : b)))
                  : good
            const r = await post(body)
            expect(r.status).toBe(200)
            const res = readResponse(r.body)
            // A refusal is a CMP message too: an error body, or a kup that is not accepted.
            expect(res.kind === 'error' || (res.kind === 'kup' && res.status.status !== 'accepted')).toBe(true)
          }
          count(kind)
        },
      })
    }
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < jobs.length) await jobs[next++]!.run()
    }
    const started = Date.now()
    await Promise.all(Array.from({ length: 25 }, worker))
    expect(Object.values(outcomes).reduce((a, b) => a + b, 0)).toBe(1000)
    expect(outcomes['good']).toBe(jobs.filter((j) => j.kind === 'good').length)
    expect(outcomes['good']).toBeGreaterThan(400)
    console.error(`lab server: 1,000 requests in ${Date.now() - started} ms`, JSON.stringify(outcomes))
    // Not a timing assertion: on two cores shared with other suites it took 56 s (and 62 s
    // before the server was split, measured side by side), so the bound is only "it finishes".
  }, 240_000)

  it('mutated messages straight into handle(): always a CMP answer (never a hang), never a throw', async () => {
    const base = (await kur(oldDer)).der
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.integer({ min: 0, max: base.length }).map((n) => base.subarray(0, n)),
          fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 1, max: 255 })).map(([at, x]) => Buffer.from(base.map((b, j) => (j === at ? b ^ x : b)))),
          fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a)),
          fc.tuple(fc.nat({ max: base.length }), fc.uint8Array({ minLength: 1, maxLength: 40 })).map(([at, ins]) => Buffer.concat([base.subarray(0, at), Buffer.from(ins), base.subarray(at)])),
        ),
        async (msg) => {
          const started = Date.now()
          const answer = await server.handle(msg)
          expect(Date.now() - started).toBeLessThan(10_000) // a hang guard, generous for a loaded machine
          const res = readResponse(answer)
          expect(['error', 'kup']).toContain(res.kind)
        },
      ),
      { numRuns: Number(process.env['CMP_FUZZ_RUNS'] ?? 300) },
    )
  })
})
