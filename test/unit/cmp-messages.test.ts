import { randomBytes, verify } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  bitsToBitString,
  CertifiedKeyPair,
  CertOrEncCert,
  CertRepMessage,
  CertResponse,
  CertResponses,
  CMPCertificates,
  encode,
  ErrorMsgContent,
  PKIBody,
  PKIFreeText,
  PollRep,
  PollRepContent,
} from '../../src/renewal/cmp/asn1.js'
import { readTlv } from '../../src/cert/der.js'
import { certificateFields } from '../../src/renewal/cmp/certificate-fields.js'
import { ecdsaRawToDer, elements, whole } from '../../src/renewal/cmp/der.js'
import { CmpError } from '../../src/renewal/cmp/errors.js'
import {
  buildCertConf,
  buildKeyUpdateRequest,
  buildPollReq,
  buildProtectedMessage,
  buildStatusInfo,
  certHash,
  OID_REG_CTRL_OLD_CERT_ID,
  parsePkiMessage,
  readResponse,
  toArrayBuffer,
} from '../../src/renewal/cmp/messages.js'
import { verifyProtection } from '../../src/renewal/cmp/protection.js'
import { softwareSigner, spkiOf } from '../../src/renewal/cmp/signer.js'
import { makeTestPki, type TestPki } from '../helpers/openssl-cmp.js'

let pki: TestPki
let otherPki: TestPki
beforeAll(async () => {
  pki = await makeTestPki({ oldKey: 'rsa', newKey: 'ec' })
  otherPki = await makeTestPki({ oldKey: 'ec', newKey: 'rsa' })
})

async function kur(p: TestPki = pki): Promise<{ der: Buffer; transactionID: Buffer; senderNonce: Buffer }> {
  return buildKeyUpdateRequest({
    oldCert: p.oldDer,
    newSpki: spkiOf(p.newKey),
    signerOld: softwareSigner(p.oldKey),
    signerNew: softwareSigner(p.newKey),
  })
}

/** A response as a CMP server would send it: signed by the server certificate. */
async function serverMessage(body: PKIBody, ids: { transactionID: Buffer; recipNonce: Buffer }, opts: { messageTime?: Date; p?: TestPki } = {}): Promise<Buffer> {
  const p = opts.p ?? pki
  const srv = certificateFields(p.srvDer)
  return buildProtectedMessage(
    {
      sender: srv.subject,
      recipient: certificateFields(p.oldDer).subject,
      signer: softwareSigner(p.srvKey),
      extraCerts: [p.srvDer, p.caDer],
      ...(srv.subjectKeyId ? { senderKID: srv.subjectKeyId } : {}),
      transactionID: ids.transactionID,
      senderNonce: randomBytes(16),
      recipNonce: ids.recipNonce,
      ...(opts.messageTime ? { messageTime: opts.messageTime } : {}),
    },
    body,
  )
}

function kupBody(status: 'accepted' | 'waiting' | 'rejection', cert?: Buffer): PKIBody {
  const r = new CertResponse()
  r.certReqId = 0
  r.status = status === 'rejection' ? buildStatusInfo('rejection', ['notAuthorized'], '0116 outside the renewal window') : buildStatusInfo(status)
  if (cert) {
    r.certifiedKeyPair = new CertifiedKeyPair()
    r.certifiedKeyPair.certOrEncCert = new CertOrEncCert()
    r.certifiedKeyPair.certOrEncCert.certificate = toArrayBuffer(cert)
  }
  const rep = new CertRepMessage()
  rep.response = new CertResponses([r])
  if (cert) rep.caPubs = new CMPCertificates([toArrayBuffer(pki.caDer)])
  const body = new PKIBody()
  body.kup = rep
  return body
}

describe('ECDSA r||s to DER', () => {
  it('encodes minimal positive integers', () => {
    const raw = Buffer.concat([Buffer.alloc(31, 0), Buffer.from([0x01]), Buffer.from([0x80]), Buffer.alloc(31, 1)])
    const der = ecdsaRawToDer(raw)
    // r = 0x01 after stripping zeros; s has its high bit set, so a 0x00 is prepended.
    expect(der.subarray(0, 5).toString('hex')).toBe('3026020101')
    expect(der.subarray(5, 8).toString('hex')).toBe('022100')
  })

  it('refuses what is not r||s', () => {
    expect(() => ecdsaRawToDer(Buffer.alloc(0))).toThrow()
    expect(() => ecdsaRawToDer(Buffer.alloc(63, 1))).toThrow()
    expect(() => ecdsaRawToDer(Buffer.alloc(64, 0))).toThrow()
  })

  it('matches what node verifies as DER, for many signatures', async () => {
    const signer = softwareSigner(pki.newKey)
    for (let i = 0; i < 50; i++) {
      const data = randomBytes(i)
      const der = ecdsaRawToDer(await signer.sign(data))
      expect(verify('sha256', data, { key: pki.newKey, dsaEncoding: 'der' }, der)).toBe(true)
    }
  })
})

describe('buildKeyUpdateRequest', () => {
  it('carries the old subject byte for byte, the new key, oldCertID and a valid POPO', async () => {
    const req = await kur()
    const msg = parsePkiMessage(req.der)
    const old = certificateFields(pki.oldDer)
    expect(msg.header.pvno).toBe(2)
    expect(Buffer.from(msg.header.transactionID!)).toEqual(req.transactionID)
    expect(Buffer.from(msg.header.senderNonce!)).toEqual(req.senderNonce)
    expect(Buffer.from(msg.header.sender)).toEqual(Buffer.concat([Buffer.from([0xa4, old.subject.length]), old.subject]))
    expect(Buffer.from(msg.header.senderKID!)).toEqual(old.subjectKeyId)
    expect(msg.header.protectionAlg?.algorithm).toBe('1.2.840.113549.1.1.11')
    expect(msg.extraCerts!.map((c) => Buffer.from(c))).toEqual([pki.oldDer])

    const crm = msg.body.kur![0]!
    expect(Buffer.from(crm.certReq.certTemplate.subject!)).toEqual(old.subject)
    expect(encode(crm.certReq.certTemplate.publicKey!)).toEqual(spkiOf(pki.newKey))
    const control = crm.certReq.controls![0]!
    expect(control.type).toBe(OID_REG_CTRL_OLD_CERT_ID)
    expect(Buffer.from(control.value).toString('hex')).toContain(old.serial.toString('hex'))

    // POPO: the new key's signature over the certReq bytes as sent (RFC 4211 4.1).
    const popo = crm.popo!.signature!
    expect(popo.algorithmIdentifier.algorithm).toBe('1.2.840.10045.4.3.2')
    const der = req.der
    const body = elements(der, readTlv(der, 0))[1]!
    const kurContent = readTlv(der, body.start, body.end) // SEQUENCE OF CertReqMsg
    const certReqMsg = readTlv(der, kurContent.start, kurContent.end)
    const certReq = elements(der, certReqMsg)[0]!
    expect(verify('sha256', whole(der, certReq), { key: pki.newKey, dsaEncoding: 'der' }, Buffer.from(popo.signature.value))).toBe(true)
    expect(popo.signature.unusedBits).toBe(0)
  })

  it('is protected by the old key: verifies against the CA', async () => {
    const req = await kur()
    const v = verifyProtection(req.der, { trusted: [pki.caDer] })
    expect(v.signer).toEqual(pki.oldDer)
    expect(v.chain).toEqual([pki.oldDer, pki.caDer])
    const other = await kur(otherPki)
    expect(verifyProtection(other.der, { trusted: [otherPki.caDer] }).signer).toEqual(otherPki.oldDer)
  })

  it('refuses a public key that is not DER SubjectPublicKeyInfo', async () => {
    await expect(
      buildKeyUpdateRequest({ oldCert: pki.oldDer, newSpki: Buffer.from('3000', 'hex'), signerOld: softwareSigner(pki.oldKey), signerNew: softwareSigner(pki.newKey) }),
    ).rejects.toMatchObject({ reason: 'invalid-input' })
    await expect(
      buildKeyUpdateRequest({ oldCert: Buffer.from('30020500', 'hex'), newSpki: spkiOf(pki.newKey), signerOld: softwareSigner(pki.oldKey), signerNew: softwareSigner(pki.newKey) }),
    ).rejects.toBeInstanceOf(CmpError)
  })
})

describe('readResponse and verifyProtection', () => {
  it('reads an accepted kup and checks it belongs to the transaction', async () => {
    const req = await kur()
    const ids = { transactionID: req.transactionID, recipNonce: req.senderNonce }
    const der = await serverMessage(kupBody('accepted', pki.renewedDer), ids)
    const res = readResponse(der)
    expect(res.kind).toBe('kup')
    if (res.kind !== 'kup') return
    expect(res.status).toEqual({ status: 'accepted', failInfo: [], failBits: [], text: [] })
    expect(res.certificate).toEqual(pki.renewedDer)
    expect(res.caPubs).toEqual([pki.caDer])
    expect(res.extraCerts).toEqual([pki.srvDer, pki.caDer])
    const v = verifyProtection(der, { trusted: [pki.caDer], expect: { transactionID: req.transactionID, recipNonce: req.senderNonce } })
    expect(v.signer).toEqual(pki.srvDer)
  })

  it('reads waiting, pollRep, refusal, error and pkiConf', async () => {
    const ids = { transactionID: randomBytes(16), recipNonce: randomBytes(16) }
    const waiting = readResponse(await serverMessage(kupBody('waiting'), ids))
    expect(waiting).toMatchObject({ kind: 'kup', status: { status: 'waiting' }, certificate: undefined })

    const pr = new PollRep()
    pr.checkAfter = 2
    pr.reason = new PKIFreeText(['later'])
    const pollBody = new PKIBody()
    pollBody.pollRep = new PollRepContent([pr])
    expect(readResponse(await serverMessage(pollBody, ids))).toMatchObject({ kind: 'pollRep', checkAfter: 2, reason: ['later'] })

    expect(readResponse(await serverMessage(kupBody('rejection'), ids))).toMatchObject({
      kind: 'kup',
      status: { status: 'rejection', failInfo: ['notAuthorized'], failBits: [23], text: ['0116 outside the renewal window'] },
    })

    const err = new ErrorMsgContent()
    err.pKIStatusInfo = buildStatusInfo('rejection', ['badMessageCheck', 'signerNotTrusted'], '403.7')
    err.pKIStatusInfo.failInfo = bitsToBitString([1, 20, 30])
    err.errorDetails = new PKIFreeText(['no valid client certificate'])
    const errBody = new PKIBody()
    errBody.error = err
    expect(readResponse(await serverMessage(errBody, ids))).toMatchObject({
      kind: 'error',
      status: { status: 'rejection', failInfo: ['badMessageCheck', 'signerNotTrusted'], failBits: [1, 20, 30], text: ['403.7'] },
      errorDetails: ['no valid client certificate'],
    })

    const conf = new PKIBody()
    conf.pkiconf = null
    expect(readResponse(await serverMessage(conf, ids)).kind).toBe('pkiConf')
  })

  it('refuses a request where a response is due, and bodies it does not speak', async () => {
    const request = (await kur()).der
    expect(() => readResponse(request)).toThrow(expect.objectContaining({ reason: 'unsupported' }))
    // crlann [18] with an empty content: a body ukey does not speak at all
    const crlann = Buffer.from('3011' + '300b' + '020102' + 'a4023000' + 'a4023000' + 'b2023000', 'hex')
    expect(() => readResponse(crlann)).toThrow(expect.objectContaining({ reason: 'unsupported', detail: 'body crlann' }))
    // genm [21] is read now (Get CA certificates, the dry run's probe), but it is a request, not a response
    const genm = Buffer.from('3011' + '300b' + '020102' + 'a4023000' + 'a4023000' + 'b5023000', 'hex')
    expect(() => readResponse(genm)).toThrow(expect.objectContaining({ reason: 'unsupported', detail: 'a request where a response was expected' }))
  })

  it('refuses a broken signature, a foreign CA, another transaction, a stale time', async () => {
    const req = await kur()
    const ids = { transactionID: req.transactionID, recipNonce: req.senderNonce }
    const good = await serverMessage(kupBody('accepted', pki.renewedDer), ids)
    const trusted = [pki.caDer]

    // Flip a bit inside the protected part (the body's certificate).
    const flipped = Buffer.from(good)
    const at = flipped.indexOf(pki.renewedDer.subarray(200, 220))
    flipped[at]! ^= 0x01
    expect(() => verifyProtection(flipped, { trusted })).toThrow(expect.objectContaining({ reason: 'bad-protection' }))

    expect(() => verifyProtection(good, { trusted: [otherPki.caDer] })).toThrow(expect.objectContaining({ reason: 'untrusted-signer' }))
    expect(() => verifyProtection(good, { trusted, expect: { transactionID: randomBytes(16) } })).toThrow(expect.objectContaining({ reason: 'transaction-mismatch' }))
    expect(() => verifyProtection(good, { trusted, expect: { recipNonce: randomBytes(16) } })).toThrow(expect.objectContaining({ reason: 'transaction-mismatch' }))
    const old = await serverMessage(kupBody('accepted', pki.renewedDer), ids, { messageTime: new Date(Date.now() - 3_600_000) })
    expect(() => verifyProtection(old, { trusted })).toThrow(expect.objectContaining({ reason: 'transaction-mismatch' }))
    expect(verifyProtection(old, { trusted, maxClockSkewSeconds: 7200 }).signer).toEqual(pki.srvDer)

    // Signed by another server whose certificate chains to another CA but claims this sender.
    const forged = await serverMessage(kupBody('accepted', pki.renewedDer), ids, { p: otherPki })
    expect(() => verifyProtection(forged, { trusted })).toThrow(expect.objectContaining({ reason: 'untrusted-signer' }))
  })

  it('refuses an unprotected message', async () => {
    const req = await kur()
    const der = await serverMessage(kupBody('accepted', pki.renewedDer), { transactionID: req.transactionID, recipNonce: req.senderNonce })
    // Rebuild without [0] protection: SEQUENCE { header, body, extraCerts }.
    const parts = elements(der, readTlv(der, 0))
    const { sequence } = await import('../../src/renewal/cmp/der.js')
    const unprotected = sequence(whole(der, parts[0]!), whole(der, parts[1]!), whole(der, parts[3]!))
    expect(readResponse(unprotected).kind).toBe('kup')
    expect(() => verifyProtection(unprotected, { trusted: [pki.caDer] })).toThrow(expect.objectContaining({ reason: 'unprotected' }))
  })
})

describe('certConf and pollReq', () => {
  it('confirms with the certificate hash and echoes the server nonce', async () => {
    const req = await kur()
    const recipNonce = randomBytes(16)
    const conf = await buildCertConf({
      oldCert: pki.oldDer,
      signerOld: softwareSigner(pki.oldKey),
      transactionID: req.transactionID,
      recipNonce,
      certificate: pki.renewedDer,
    })
    const msg = parsePkiMessage(conf.der)
    expect(Buffer.from(msg.header.recipNonce!)).toEqual(recipNonce)
    expect(Buffer.from(msg.header.transactionID!)).toEqual(req.transactionID)
    const cs = msg.body.certConf![0]!
    expect(Buffer.from(cs.certHash)).toEqual(certHash(pki.renewedDer))
    expect(cs.statusInfo?.status).toBe(0)
    expect(verifyProtection(conf.der, { trusted: [pki.caDer] }).signer).toEqual(pki.oldDer)

    const refuse = await buildCertConf({
      oldCert: pki.oldDer,
      signerOld: softwareSigner(pki.oldKey),
      transactionID: req.transactionID,
      recipNonce,
      certificate: pki.oldDer,
      rejection: { failInfo: ['badCertTemplate'], text: 'certificate is not for the new key' },
    })
    const r = parsePkiMessage(refuse.der).body.certConf![0]!.statusInfo!
    expect(r.status).toBe(2)
    expect([...r.statusString!]).toEqual(['certificate is not for the new key'])
  })

  it('polls with the request id', async () => {
    const poll = await buildPollReq({ oldCert: pki.oldDer, signerOld: softwareSigner(pki.oldKey), transactionID: randomBytes(16), recipNonce: randomBytes(16) })
    expect(parsePkiMessage(poll.der).body.pollReq![0]!.certReqId).toBe(0)
  })
})
