// ukey's CMP messages against OpenSSL's implementation (shared/notes/cmp.md):
// the `openssl cmp -port` mock server answers ukey's kur, pollReq and certConf;
// `openssl cmp -cmd kur` as a client produces messages ukey must read.

import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { certificateFields } from '../../src/renewal/cmp/certificate-fields.js'
import {
  buildCertConf,
  buildKeyUpdateRequest,
  buildPollReq,
  parsePkiMessage,
  readResponse,
  type CmpResponse,
} from '../../src/renewal/cmp/messages.js'
import { verifyProtection } from '../../src/renewal/cmp/protection.js'
import { softwareSigner, spkiOf } from '../../src/renewal/cmp/signer.js'
import { postPkiMessage } from '../../src/renewal/cmp/transfer.js'
import { makeTestPki, startMockServer, writePkiFiles, type KeyKind, type MockServer, type TestPki } from '../helpers/openssl-cmp.js'

const run = promisify(execFile)

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function setUp(opts: { oldKey?: KeyKind; newKey?: KeyKind; rsp?: 'renewed' | 'old'; args?: string[] } = {}): Promise<{ pki: TestPki; srv: MockServer; files: ReturnType<typeof writePkiFiles> }> {
  const pki = await makeTestPki(opts)
  const files = writePkiFiles(pki)
  cleanups.push(files.cleanup)
  const srv = await startMockServer(files, { ...(opts.rsp ? { rsp: opts.rsp } : {}), ...(opts.args ? { args: opts.args } : {}) })
  cleanups.push(srv.stop)
  return { pki, srv, files }
}

/** One request/response step of the transaction, the response verified before it is read. */
async function exchange(srv: MockServer, pki: TestPki, der: Buffer, ids: { transactionID: Buffer; senderNonce: Buffer }): Promise<CmpResponse> {
  const answer = await postPkiMessage(srv.url, der, { timeoutMs: 15_000 })
  verifyProtection(answer, { trusted: [pki.caDer], expect: { transactionID: ids.transactionID, recipNonce: ids.senderNonce } })
  return readResponse(answer)
}

const signers = (pki: TestPki) => ({ signerOld: softwareSigner(pki.oldKey), signerNew: softwareSigner(pki.newKey) })

async function sendKur(srv: MockServer, pki: TestPki) {
  const kur = await buildKeyUpdateRequest({ oldCert: pki.oldDer, newSpki: spkiOf(pki.newKey), ...signers(pki) })
  return { kur, res: await exchange(srv, pki, kur.der, kur) }
}

async function confirm(srv: MockServer, pki: TestPki, transactionID: Buffer, last: CmpResponse, certificate: Buffer, rejection?: { failInfo: ['badCertTemplate']; text: string }) {
  const conf = await buildCertConf({
    oldCert: pki.oldDer,
    signerOld: softwareSigner(pki.oldKey),
    transactionID,
    recipNonce: last.header.senderNonce!,
    certificate,
    ...(rejection ? { rejection } : {}),
  })
  return exchange(srv, pki, conf.der, conf)
}

describe('ukey against the openssl cmp mock server', () => {
  it.each([
    ['rsa', 'ec'],
    ['ec', 'rsa'],
  ] as const)('renews: kur (%s old key, %s new key) → kup accepted → certConf → pkiConf', async (oldKey, newKey) => {
    const { pki, srv } = await setUp({ oldKey, newKey })
    const { kur, res } = await sendKur(srv, pki)
    expect(res.kind).toBe('kup')
    if (res.kind !== 'kup') return
    expect(res.status.status).toBe('accepted')
    expect(res.certificate).toEqual(pki.renewedDer)
    // What the client checks before installing: the new key, the old subject.
    const issued = certificateFields(res.certificate!)
    expect(issued.spki).toEqual(spkiOf(pki.newKey))
    expect(issued.subject).toEqual(certificateFields(pki.oldDer).subject)
    const done = await confirm(srv, pki, kur.transactionID, res, res.certificate!)
    expect(done.kind).toBe('pkiConf')
  })

  it('polls while the server says waiting (-poll_count 2 -check_after 1)', async () => {
    const { pki, srv } = await setUp({ args: ['-poll_count', '2', '-check_after', '1'] })
    const { kur, res: first } = await sendKur(srv, pki)
    expect(first).toMatchObject({ kind: 'kup', status: { status: 'waiting' }, certificate: undefined })
    const seen: string[] = []
    let res = first
    const started = Date.now()
    while (res.kind === 'pollRep' || (res.kind === 'kup' && res.status.status === 'waiting')) {
      if (res.kind === 'pollRep') {
        seen.push(`pollRep ${res.checkAfter}`)
        await new Promise((r) => setTimeout(r, (res as { checkAfter: number }).checkAfter * 1000))
      }
      const poll = await buildPollReq({ oldCert: pki.oldDer, signerOld: softwareSigner(pki.oldKey), transactionID: kur.transactionID, recipNonce: res.header.senderNonce! })
      res = await exchange(srv, pki, poll.der, poll)
      expect(seen.length).toBeLessThan(5)
    }
    expect(seen).toEqual(['pollRep 1'])
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
    expect(res).toMatchObject({ kind: 'kup', status: { status: 'accepted' } })
    if (res.kind !== 'kup') return
    expect(res.certificate).toEqual(pki.renewedDer)
    expect((await confirm(srv, pki, kur.transactionID, res, res.certificate!)).kind).toBe('pkiConf')
  })

  it('reads a refusal: status, failure bit and text (-pkistatus 2 -failure 25 -statusstring "0116 …")', async () => {
    const text = '0116 outside the renewal window: already renewed'
    const { pki, srv } = await setUp({ args: ['-pkistatus', '2', '-failure', '25', '-statusstring', text] })
    const { res } = await sendKur(srv, pki)
    expect(res).toMatchObject({
      kind: 'kup',
      status: { status: 'rejection', failInfo: ['systemFailure'], failBits: [25], text: [text] },
      certificate: undefined,
    })
  })

  it("refuses the mock's fallback certificate (not for the new key) and tells the server so", async () => {
    const { pki, srv } = await setUp({ rsp: 'old' })
    const { kur, res } = await sendKur(srv, pki)
    expect(res).toMatchObject({ kind: 'kup', status: { status: 'accepted' } })
    if (res.kind !== 'kup') return
    expect(res.certificate).toEqual(pki.oldDer)
    const issued = certificateFields(res.certificate!)
    expect(issued.spki.equals(spkiOf(pki.newKey))).toBe(false)
    const answer = await confirm(srv, pki, kur.transactionID, res, res.certificate!, { failInfo: ['badCertTemplate'], text: 'certificate is not for the new key' })
    // OpenSSL 3.0's server acknowledges a rejecting certConf with pkiConf.
    expect(answer.kind).toBe('pkiConf')
  })

  it('reads the error message the server sends for a request it cannot authenticate', async () => {
    const { pki, srv } = await setUp()
    const stranger = await makeTestPki()
    const kur = await buildKeyUpdateRequest({ oldCert: stranger.oldDer, newSpki: spkiOf(stranger.newKey), ...signers(stranger) })
    const answer = await postPkiMessage(srv.url, kur.der, { timeoutMs: 15_000 })
    const res = readResponse(answer)
    expect(res.kind).toBe('error')
    if (res.kind !== 'error') return
    expect(res.status.status).toBe('rejection')
    expect(res.status.failInfo.length + res.status.text.length + res.errorDetails.length).toBeGreaterThan(0)
    // Still signed by the server: ukey can tell a real refusal from a forged one.
    expect(verifyProtection(answer, { trusted: [pki.caDer], expect: { transactionID: kur.transactionID, recipNonce: kur.senderNonce } }).signer).toEqual(pki.srvDer)
  })
})

describe('messages made by openssl cmp as a client', () => {
  it('decodes and verifies its kur, and reads the kup it got', async () => {
    const { pki, srv, files } = await setUp({ oldKey: 'ec', newKey: 'rsa' })
    await run(
      'openssl',
      [
        'cmp', '-cmd', 'kur',
        '-server', `127.0.0.1:${srv.port}`, '-path', 'pkix/',
        '-cert', files.file('old.crt'), '-key', files.file('old.key'),
        '-trusted', files.file('ca.crt'),
        '-newkey', files.file('new.key'),
        '-certout', files.file('out.crt'),
        '-reqout', `${files.file('kur.der')},${files.file('certconf.der')}`,
        '-rspout', `${files.file('kup.der')},${files.file('pkiconf.der')}`,
      ],
      { timeout: 30_000 },
    )
    const kurDer = readFileSync(files.file('kur.der'))
    const msg = parsePkiMessage(kurDer)
    const old = certificateFields(pki.oldDer)
    expect(msg.header.pvno).toBe(2)
    expect(Buffer.from(msg.header.sender).subarray(2)).toEqual(old.subject)
    const crm = msg.body.kur![0]!
    expect(crm.certReq.certReqId).toBe(0)
    expect(Buffer.from(crm.certReq.certTemplate.subject!)).toEqual(old.subject)
    expect(crm.popo?.signature?.algorithmIdentifier.algorithm).toBe('1.2.840.113549.1.1.11')
    expect(crm.certReq.controls?.map((c) => c.type)).toContain('1.3.6.1.5.5.7.5.1.5')
    // Its protection verifies with ukey's verifier (ECDSA, DER signature).
    expect(verifyProtection(kurDer, { trusted: [pki.caDer] }).signer).toEqual(pki.oldDer)

    const certConf = parsePkiMessage(readFileSync(files.file('certconf.der')))
    expect(certConf.body.certConf?.length).toBe(1)

    const kup = readResponse(readFileSync(files.file('kup.der')))
    expect(kup).toMatchObject({ kind: 'kup', status: { status: 'accepted' } })
    expect(readResponse(readFileSync(files.file('pkiconf.der'))).kind).toBe('pkiConf')
  })
})
