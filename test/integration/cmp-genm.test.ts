import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLabCmpServer } from '../../src/lab/cmp-server.js'
import type { CmpHttpServer } from '../../src/lab/cmp-http.js'
import { buildGetCaCerts, readCaCerts } from '../../src/renewal/cmp/general-message.js'
import { certificateFields } from '../../src/renewal/cmp/certificate-fields.js'
import { verifyProtection } from '../../src/renewal/cmp/protection.js'
import { probeServer } from '../../src/renewal/probe.js'
import { derToPem, makeTestPki, startMockServer, writePkiFiles, type TestPki } from '../helpers/openssl-cmp.js'
import { join } from 'node:path'

/**
 * The dry run's probe (RFC 9483 4.3.1 Get CA certificates, an unprotected genm)
 * against both servers: the lab's (OpenSSL's `cmp -cmd genm` as an independent
 * client) and OpenSSL's mock server (ukey's probe as the client).
 */
let pki: TestPki
let files: ReturnType<typeof writePkiFiles>
let lab: CmpHttpServer
const log: string[] = []
beforeAll(async () => {
  pki = await makeTestPki()
  files = writePkiFiles(pki)
  lab = await createLabCmpServer({ ca: pki.ca, policy: { renewBeforeDays: 30, graceAfterDays: 90 }, stateFile: join(files.dir, 'renewals.json'), log: (e) => log.push(`${e.kind} → ${e.outcome}`) }).listen('127.0.0.1', 0)
})
afterAll(async () => {
  await lab.close()
  files.cleanup()
})

describe('Get CA certificates (genm id-it-caCerts)', () => {
  it('the lab server answers ukey\'s unprotected genm with a genp signed by its CA, carrying the CA certificate; no rejection logged', async () => {
    const req = buildGetCaCerts({ recipient: certificateFields(pki.oldDer).issuer })
    const res = await fetch(`http://127.0.0.1:${lab.port}/pkix/`, { method: 'POST', headers: { 'content-type': 'application/pkixcmp' }, body: req.der })
    const answer = Buffer.from(await res.arrayBuffer())
    verifyProtection(answer, { trusted: [pki.caDer], expect: { transactionID: req.transactionID, recipNonce: req.senderNonce } })
    expect(readCaCerts(answer)).toEqual([pki.caDer])
    expect(log).toEqual(['genm → genp caCerts'])
  })

  it('the probe: trusted against the profile\'s CA, untrusted against another CA', async () => {
    const server = { url: `http://127.0.0.1:${lab.port}/pkix/`, trusted: [pki.caDer], tlsCa: [] }
    expect(await probeServer(server, pki.oldDer)).toMatchObject({ reachable: true, trusted: true, caCerts: 1 })
    const other = await makeTestPki()
    expect(await probeServer({ ...server, trusted: [other.caDer] }, pki.oldDer)).toMatchObject({ reachable: true, trusted: false })
  })

  it('openssl cmp -cmd genm -infotype caCerts (unprotected) against the lab server: genp validated against the CA', async () => {
    writeFileSync(files.file('ca.pem'), derToPem(pki.caDer))
    // Asynchronously: the lab server answers from this process's event loop.
    const r = await new Promise<{ status: number; stderr: string }>((resolve) => execFile('openssl', ['cmp', '-server', `127.0.0.1:${lab.port}`, '-path', 'pkix/', '-cmd', 'genm', '-infotype', 'caCerts', '-unprotected_requests', '-ref', 'probe', '-recipient', '/CN=ukey', '-trusted', files.file('ca.pem')], { encoding: 'utf8', timeout: 30_000 }, (err, out, stderr) => resolve({ status: err ? Number(err.code ?? 1) : 0, stderr: out + stderr })))
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).toContain('genp contains ITAV of type: id-it-caCerts')
  })

  it('ukey\'s probe against OpenSSL\'s mock server: it answers genp with -accept_unprotected, a signed error without (both prove the server)', async () => {
    for (const args of [['-accept_unprotected'], []]) {
      const mock = await startMockServer(files, { args })
      try {
        const probe = await probeServer({ url: mock.url, trusted: [pki.caDer], tlsCa: [] }, pki.oldDer)
        expect(probe, mock.output()).toMatchObject({ reachable: true, trusted: true })
        // OpenSSL 3.0's mock echoes the genm's id-it-caCerts without a value (no CA certificates): genp read as 0.
        // Without it, 3.0's mock refuses the unprotected request ("missing protection") in a signed error: no genp.
        expect(probe.caCerts).toBe(args.length ? 0 : undefined)
      } finally {
        await mock.stop()
      }
    }
  })
})
