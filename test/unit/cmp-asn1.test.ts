import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BitString } from '@peculiar/asn1-schema'
import { AlgorithmIdentifier } from '@peculiar/asn1-x509'
import {
  bitStringToBits,
  bitsToBitString,
  bodyKind,
  CertConfirmContent,
  CertifiedKeyPair,
  CertOrEncCert,
  CertRepMessage,
  CertReqMessages,
  CertReqMsg,
  CertRequest,
  CertResponse,
  CertResponses,
  CertStatus,
  CMPCertificates,
  decode,
  encode,
  ErrorMsgContent,
  PKI_FAILURE_BITS,
  PKIBody,
  PKIFreeText,
  PKIHeader,
  PKIMessage,
  PKIStatusInfo,
  POPOSigningKey,
  PollRep,
  PollRepContent,
  PollReq,
  PollReqContent,
  ProofOfPossession,
} from '../../src/renewal/cmp/asn1.js'

const hex = (b: Uint8Array | ArrayBuffer): string => Buffer.from(b instanceof ArrayBuffer ? new Uint8Array(b) : b).toString('hex')
const ab = (h: string): ArrayBuffer => new Uint8Array(Buffer.from(h, 'hex')).buffer
/** directoryName [4] { Name: SEQUENCE { SET { SEQUENCE { CN, "x" } } } } */
const NAME = '300f310d300b06035504030c0474657374'
const GN = 'a411' + NAME

function header(): PKIHeader {
  const h = new PKIHeader()
  h.sender = ab(GN)
  h.recipient = ab(GN)
  h.messageTime = new Date('2026-11-26T02:00:00Z')
  h.protectionAlg = new AlgorithmIdentifier({ algorithm: '1.2.840.10045.4.3.2' })
  h.senderKID = ab('0102')
  h.transactionID = ab('00112233445566778899aabbccddeeff')
  h.senderNonce = ab('ffeeddccbbaa99887766554433221100')
  h.recipNonce = ab('0f0e0d0c0b0a09080706050403020100')
  h.freeText = new PKIFreeText(['hello'])
  return h
}

function roundTrip<T extends object>(value: T, type: new () => T): T {
  const der = encode(value)
  const back = decode(der, type)
  expect(hex(encode(back))).toBe(hex(der))
  return back
}

describe('CMP ASN.1 structures', () => {
  it('encodes PKIFailureInfo bits as a DER named bit list', () => {
    // systemFailure (25): octet 3, second bit; 6 unused bits (X.690 11.2.2 drops trailing zeros).
    const bs = bitsToBitString([25])
    const si = new PKIStatusInfo()
    si.status = 2
    si.failInfo = bs
    expect(hex(encode(si))).toBe('300a020102' + '030506000000' + '40')
    expect(bitStringToBits(bs)).toEqual([25])
    expect(bitStringToBits(bitsToBitString([0, 9, 26]))).toEqual([0, 9, 26])
    expect(hex(encode(bitsToBitString([]).toASN() as never))).toBe('030100')
    expect(PKI_FAILURE_BITS[25]).toBe('systemFailure')
  })

  it('round-trips PKIStatusInfo with text and failure bits', () => {
    const si = new PKIStatusInfo()
    si.status = 2
    si.statusString = new PKIFreeText(['0116 already renewed', '第二行'])
    si.failInfo = bitsToBitString([2, 23])
    const back = roundTrip(si, PKIStatusInfo)
    expect(back.status).toBe(2)
    expect([...back.statusString!]).toEqual(['0116 already renewed', '第二行'])
    expect(bitStringToBits(back.failInfo!)).toEqual([2, 23])
  })

  it('round-trips a header with every field ukey uses', () => {
    const back = roundTrip(header(), PKIHeader)
    expect(back.pvno).toBe(2)
    expect(hex(back.sender)).toBe(GN)
    expect(back.messageTime?.toISOString()).toBe('2026-11-26T02:00:00.000Z')
    expect(back.protectionAlg?.algorithm).toBe('1.2.840.10045.4.3.2')
    expect(hex(back.transactionID!)).toBe('00112233445566778899aabbccddeeff')
    expect(hex(back.recipNonce!)).toBe('0f0e0d0c0b0a09080706050403020100')
    expect([...back.freeText!]).toEqual(['hello'])
    // messageTime [0] EXPLICIT GeneralizedTime, whole seconds.
    expect(hex(encode(header()))).toContain('a011' + '180f' + Buffer.from('20261126020000Z').toString('hex'))
  })

  it('encodes pkiconf as [19] { NULL }', () => {
    const body = new PKIBody()
    body.pkiconf = null
    expect(hex(encode(body))).toBe('b3020500')
    const back = decode(encode(body), PKIBody)
    expect(bodyKind(back)).toBe('pkiconf')
  })

  it('round-trips a kur with template, controls and signature POPO', () => {
    const req = new CertRequest()
    req.certReqId = 0
    req.certTemplate.subject = ab(NAME)
    req.controls = undefined
    const popo = new ProofOfPossession()
    const sig = new POPOSigningKey()
    sig.algorithmIdentifier = new AlgorithmIdentifier({ algorithm: '1.2.840.113549.1.1.11', parameters: null })
    sig.signature = new BitString(ab('deadbeef'))
    popo.signature = sig
    const msg = new CertReqMsg()
    msg.certReq = req
    msg.popo = popo
    const body = new PKIBody()
    body.kur = new CertReqMessages([msg])
    const der = encode(body)
    // [7] { SEQUENCE OF { SEQUENCE { certReq, [1] IMPLICIT POPOSigningKey } } }; subject is [5] EXPLICIT Name.
    expect(hex(der).startsWith('a7')).toBe(true)
    expect(hex(der)).toContain('a511' + NAME)
    expect(hex(der)).toContain('a1')
    const back = roundTrip(body, PKIBody)
    expect(bodyKind(back)).toBe('kur')
    const m = back.kur![0]!
    expect(hex(m.certReq.certTemplate.subject!)).toBe(NAME)
    expect(m.popo?.signature?.algorithmIdentifier.algorithm).toBe('1.2.840.113549.1.1.11')
    expect(hex(m.popo!.signature!.signature.value)).toBe('deadbeef')
  })

  it('round-trips kup with a certificate, caPubs and status', () => {
    const cert = ab('3003020101') // any DER; kept opaque
    const r = new CertResponse()
    r.certReqId = 0
    r.status.status = 0
    r.certifiedKeyPair = new CertifiedKeyPair()
    r.certifiedKeyPair.certOrEncCert = new CertOrEncCert()
    r.certifiedKeyPair.certOrEncCert.certificate = cert
    const rep = new CertRepMessage()
    rep.caPubs = new CMPCertificates([cert])
    rep.response = new CertResponses([r])
    const body = new PKIBody()
    body.kup = rep
    const back = roundTrip(body, PKIBody)
    expect(bodyKind(back)).toBe('kup')
    expect(hex(back.kup!.response[0]!.certifiedKeyPair!.certOrEncCert.certificate!)).toBe('3003020101')
    expect(back.kup!.caPubs!.length).toBe(1)
  })

  it('round-trips a "waiting" kup without a certificate', () => {
    const r = new CertResponse()
    r.status.status = 3
    const rep = new CertRepMessage()
    rep.response = new CertResponses([r])
    const body = new PKIBody()
    body.kup = rep
    const back = roundTrip(body, PKIBody)
    expect(back.kup!.response[0]!.status.status).toBe(3)
    expect(back.kup!.response[0]!.certifiedKeyPair).toBeUndefined()
  })

  it('round-trips certConf, pollReq, pollRep and error', () => {
    const cs = new CertStatus()
    cs.certHash = ab('aa'.repeat(32))
    cs.statusInfo = new PKIStatusInfo()
    const certConf = new PKIBody()
    certConf.certConf = new CertConfirmContent([cs])
    expect(bodyKind(roundTrip(certConf, PKIBody))).toBe('certConf')

    const pollReq = new PKIBody()
    pollReq.pollReq = new PollReqContent([new PollReq()])
    expect(hex(encode(pollReq))).toBe('b9073005' + '3003020100')
    expect(bodyKind(roundTrip(pollReq, PKIBody))).toBe('pollReq')

    const pr = new PollRep()
    pr.checkAfter = 3600
    pr.reason = new PKIFreeText(['CA busy'])
    const pollRep = new PKIBody()
    pollRep.pollRep = new PollRepContent([pr])
    const back = roundTrip(pollRep, PKIBody)
    expect(back.pollRep![0]!.checkAfter).toBe(3600)

    const err = new ErrorMsgContent()
    err.pKIStatusInfo.status = 2
    err.pKIStatusInfo.failInfo = bitsToBitString([23])
    err.errorCode = 7
    err.errorDetails = new PKIFreeText(['403.7 no valid client certificate'])
    const error = new PKIBody()
    error.error = err
    const e = roundTrip(error, PKIBody).error!
    expect(e.errorCode).toBe(7)
    expect(bitStringToBits(e.pKIStatusInfo.failInfo!)).toEqual([23])
  })

  it('round-trips a whole PKIMessage', () => {
    const m = new PKIMessage()
    m.header = header()
    m.body.pkiconf = null
    m.protection = new BitString(ab('0102030405'))
    m.extraCerts = new CMPCertificates([ab('3003020101'), ab('3003020102')])
    const back = roundTrip(m, PKIMessage)
    expect(bodyKind(back.body)).toBe('pkiconf')
    expect(back.extraCerts!.map(hex)).toEqual(['3003020101', '3003020102'])
  })

  it('round-trips any status, failure bits and text (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 8 }),
        fc.array(fc.string({ unit: 'grapheme', maxLength: 30 }), { minLength: 1, maxLength: 3 }),
        (status, bits, text) => {
          const si = new PKIStatusInfo()
          si.status = status
          si.statusString = new PKIFreeText(text)
          if (bits.length > 0) si.failInfo = bitsToBitString(bits)
          const back = decode(encode(si), PKIStatusInfo)
          expect(back.status).toBe(status)
          expect([...back.statusString!]).toEqual(text)
          expect(back.failInfo ? bitStringToBits(back.failInfo) : []).toEqual([...bits].sort((a, b) => a - b))
        },
      ),
      { numRuns: 200 },
    )
  })

  it('refuses integers a number cannot hold', () => {
    // checkAfter = 2^56: past Number.MAX_SAFE_INTEGER.
    expect(() => decode(Buffer.from('300d020100' + '02080100000000000000', 'hex'), PollRep)).toThrow(/range/)
    expect(decode(Buffer.from('3008020100' + '0203010000', 'hex'), PollRep).checkAfter).toBe(65536)
  })
})
