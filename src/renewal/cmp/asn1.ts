// The CMP message structures ukey sends and reads: PKIMessage (RFC 4210 5.1,
// updated by RFC 9480), CRMF certificate requests (RFC 4211) and the response,
// confirmation, polling and error bodies, on @peculiar/asn1-schema.
//
// The schema library's decorators are the legacy (experimentalDecorators) kind;
// this project compiles with standard decorators, so each class's schema is
// registered by calling the same functions explicitly (`defineSequence` and
// friends below). Field order in those calls is the ASN.1 order.
//
// Tagging: the PKIXCMP module is EXPLICIT TAGS, PKIXCRMF-2005 is IMPLICIT TAGS,
// except that a tag on a CHOICE (Name, Time, GeneralName) is always explicit
// (X.680 31.2.7). Names, GeneralNames and certificates are kept as raw DER
// (`ArrayBuffer`): the request reuses the old certificate's subject byte for
// byte, and certConf hashes the certificate exactly as received.

import {
  AsnArray,
  AsnIntegerArrayBufferConverter,
  AsnIntegerBigIntConverter,
  AsnParser,
  AsnPropTypes,
  AsnSerializer,
  AsnType,
  AsnTypeTypes,
  AsnProp,
  BitString,
  type IAsnConverter,
} from '@peculiar/asn1-schema'
import { AlgorithmIdentifier, Extensions, SubjectPublicKeyInfo, Time } from '@peculiar/asn1-x509'

type Ctor<T = unknown> = new () => T
type IAsn1PropOptions = Parameters<typeof AsnProp>[0]

function defineStructure(ctor: Ctor, type: AsnTypeTypes, items: Record<string, IAsn1PropOptions>): void {
  AsnType({ type })(ctor)
  for (const [key, options] of Object.entries(items)) AsnProp(options)(ctor.prototype as object, key)
}

const defineSequence = (ctor: Ctor, items: Record<string, IAsn1PropOptions>): void => defineStructure(ctor, AsnTypeTypes.Sequence, items)
const defineChoice = (ctor: Ctor, items: Record<string, IAsn1PropOptions>): void => defineStructure(ctor, AsnTypeTypes.Choice, items)
const defineSequenceOf = (ctor: Ctor, itemType: IAsn1PropOptions['type']): void => AsnType({ type: AsnTypeTypes.Sequence, itemType })(ctor)

/**
 * INTEGER as a JavaScript number, refusing values a number cannot hold exactly
 * (the library's default converter turns 4-byte integers into strings).
 */
export const SafeIntegerConverter: IAsnConverter<number> = {
  fromASN(value) {
    const big = AsnIntegerBigIntConverter.fromASN(value as never)
    if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new RangeError('INTEGER out of range')
    }
    return Number(big)
  },
  toASN(value) {
    return AsnIntegerBigIntConverter.toASN(BigInt(value))
  },
}

const int: IAsn1PropOptions = { type: AsnPropTypes.Integer, converter: SafeIntegerConverter }
const optionalInt: IAsn1PropOptions = { ...int, optional: true }

// ---------------------------------------------------------------------------
// Shared pieces

/** PKIFreeText ::= SEQUENCE SIZE (1..MAX) OF UTF8String */
export class PKIFreeText extends AsnArray<string> {
  constructor(items?: string[]) {
    super(items)
    Object.setPrototypeOf(this, PKIFreeText.prototype)
  }
}
defineSequenceOf(PKIFreeText, AsnPropTypes.Utf8String)

/** SEQUENCE SIZE (1..MAX) OF CMPCertificate, each kept as the DER it arrived in. */
export class CMPCertificates extends AsnArray<ArrayBuffer> {
  constructor(items?: ArrayBuffer[]) {
    super(items)
    Object.setPrototypeOf(this, CMPCertificates.prototype)
  }
}
defineSequenceOf(CMPCertificates, AsnPropTypes.Any)

/** AttributeTypeAndValue (RFC 4211 6): a control or a regInfo entry. */
export class AttributeTypeAndValue {
  type = ''
  value: ArrayBuffer = new ArrayBuffer(0)
}
defineSequence(AttributeTypeAndValue, {
  type: { type: AsnPropTypes.ObjectIdentifier },
  value: { type: AsnPropTypes.Any },
})

export class AttributeTypeAndValues extends AsnArray<AttributeTypeAndValue> {
  constructor(items?: AttributeTypeAndValue[]) {
    super(items)
    Object.setPrototypeOf(this, AttributeTypeAndValues.prototype)
  }
}
defineSequenceOf(AttributeTypeAndValues, AttributeTypeAndValue)

/** InfoTypeAndValue (RFC 4210 5.3.19): generalInfo entries. */
export class InfoTypeAndValue {
  infoType = ''
  infoValue?: ArrayBuffer
}
defineSequence(InfoTypeAndValue, {
  infoType: { type: AsnPropTypes.ObjectIdentifier },
  infoValue: { type: AsnPropTypes.Any, optional: true },
})

export class InfoTypeAndValues extends AsnArray<InfoTypeAndValue> {
  constructor(items?: InfoTypeAndValue[]) {
    super(items)
    Object.setPrototypeOf(this, InfoTypeAndValues.prototype)
  }
}
defineSequenceOf(InfoTypeAndValues, InfoTypeAndValue)

// ---------------------------------------------------------------------------
// PKIStatusInfo (RFC 4210 5.2.3)

export const PKI_STATUS = {
  accepted: 0,
  grantedWithMods: 1,
  rejection: 2,
  waiting: 3,
  revocationWarning: 4,
  revocationNotification: 5,
  keyUpdateWarning: 6,
} as const
export type PKIStatusName = keyof typeof PKI_STATUS

/** PKIFailureInfo bit numbers (RFC 4210 5.2.3, RFC 9480 2.7 for 26). */
export const PKI_FAILURE_BITS = [
  'badAlg',
  'badMessageCheck',
  'badRequest',
  'badTime',
  'badCertId',
  'badDataFormat',
  'wrongAuthority',
  'incorrectData',
  'missingTimeStamp',
  'badPOP',
  'certRevoked',
  'certConfirmed',
  'wrongIntegrity',
  'badRecipientNonce',
  'timeNotAvailable',
  'unacceptedPolicy',
  'unacceptedExtension',
  'addInfoNotAvailable',
  'badSenderNonce',
  'badCertTemplate',
  'signerNotTrusted',
  'transactionIdInUse',
  'unsupportedVersion',
  'notAuthorized',
  'systemUnavail',
  'systemFailure',
  'duplicateCertReq',
] as const
export type PKIFailureName = (typeof PKI_FAILURE_BITS)[number]

export class PKIStatusInfo {
  status = 0
  statusString?: PKIFreeText
  failInfo?: BitString
}
defineSequence(PKIStatusInfo, {
  status: int,
  statusString: { type: PKIFreeText, optional: true },
  failInfo: { type: BitString, optional: true },
})

/** A named bit list in DER: bit 0 is the most significant bit of the first octet; trailing zero bits are dropped. */
export function bitsToBitString(bits: readonly number[]): BitString {
  if (bits.length === 0) return new BitString(new Uint8Array(0), 0)
  const highest = Math.max(...bits)
  const bytes = new Uint8Array((highest >> 3) + 1)
  for (const b of bits) {
    if (!Number.isInteger(b) || b < 0) throw new RangeError(`bad bit number ${b}`)
    bytes[b >> 3]! |= 0x80 >> (b & 7)
  }
  return new BitString(bytes, 7 - (highest & 7))
}

/** The numbers of the bits set, ascending. */
export function bitStringToBits(bs: BitString): number[] {
  const bytes = new Uint8Array(bs.value)
  const usable = bytes.length * 8 - (bs.unusedBits & 7)
  const out: number[] = []
  for (let i = 0; i < usable; i++) if (bytes[i >> 3]! & (0x80 >> (i & 7))) out.push(i)
  return out
}

// ---------------------------------------------------------------------------
// CRMF (RFC 4211)

/** OptionalValidity ::= SEQUENCE { notBefore [0] Time OPTIONAL, notAfter [1] Time OPTIONAL } */
export class OptionalValidity {
  notBefore?: Time
  notAfter?: Time
}
defineSequence(OptionalValidity, {
  notBefore: { type: Time, context: 0, optional: true },
  notAfter: { type: Time, context: 1, optional: true },
})

/** CertTemplate (RFC 4211 5). issuer and subject are Name DER. */
export class CertTemplate {
  version?: number
  serialNumber?: ArrayBuffer
  signingAlg?: AlgorithmIdentifier
  issuer?: ArrayBuffer
  validity?: OptionalValidity
  subject?: ArrayBuffer
  publicKey?: SubjectPublicKeyInfo
  issuerUID?: BitString
  subjectUID?: BitString
  extensions?: Extensions
}
defineSequence(CertTemplate, {
  version: { ...optionalInt, context: 0, implicit: true },
  serialNumber: { type: AsnPropTypes.Integer, converter: AsnIntegerArrayBufferConverter, context: 1, implicit: true, optional: true },
  signingAlg: { type: AlgorithmIdentifier, context: 2, implicit: true, optional: true },
  issuer: { type: AsnPropTypes.Any, context: 3, optional: true },
  validity: { type: OptionalValidity, context: 4, implicit: true, optional: true },
  subject: { type: AsnPropTypes.Any, context: 5, optional: true },
  publicKey: { type: SubjectPublicKeyInfo, context: 6, implicit: true, optional: true },
  issuerUID: { type: BitString, context: 7, implicit: true, optional: true },
  subjectUID: { type: BitString, context: 8, implicit: true, optional: true },
  extensions: { type: Extensions, context: 9, implicit: true, optional: true },
})

/** CertId ::= SEQUENCE { issuer GeneralName, serialNumber INTEGER } (RFC 4211 6.5, the oldCertID control). */
export class CertId {
  issuer: ArrayBuffer = new ArrayBuffer(0)
  serialNumber: ArrayBuffer = new ArrayBuffer(0)
}
defineSequence(CertId, {
  issuer: { type: AsnPropTypes.Any },
  serialNumber: { type: AsnPropTypes.Integer, converter: AsnIntegerArrayBufferConverter },
})

/** CertRequest ::= SEQUENCE { certReqId INTEGER, certTemplate CertTemplate, controls Controls OPTIONAL } */
export class CertRequest {
  certReqId = 0
  certTemplate = new CertTemplate()
  controls?: AttributeTypeAndValues
}
defineSequence(CertRequest, {
  certReqId: int,
  certTemplate: { type: CertTemplate },
  controls: { type: AttributeTypeAndValues, optional: true },
})

/**
 * POPOSigningKey (RFC 4211 4.1). poposkInput is left out: it is only used when
 * the template lacks subject or public key, which ukey's requests never do, and
 * RFC 9483 4.1.1 says it MUST be omitted.
 */
export class POPOSigningKey {
  algorithmIdentifier = new AlgorithmIdentifier()
  /** Kept with its unused-bits count: a signature BIT STRING with any is malformed. */
  signature = new BitString()
}
defineSequence(POPOSigningKey, {
  algorithmIdentifier: { type: AlgorithmIdentifier },
  signature: { type: BitString },
})

/** ProofOfPossession (RFC 4211 4). The private-key alternatives are kept as raw DER. */
export class ProofOfPossession {
  raVerified?: null
  signature?: POPOSigningKey
  keyEncipherment?: ArrayBuffer
  keyAgreement?: ArrayBuffer
}
defineChoice(ProofOfPossession, {
  raVerified: { type: AsnPropTypes.Null, context: 0, implicit: true },
  signature: { type: POPOSigningKey, context: 1, implicit: true },
  keyEncipherment: { type: AsnPropTypes.Any, context: 2 },
  keyAgreement: { type: AsnPropTypes.Any, context: 3 },
})

export class CertReqMsg {
  certReq = new CertRequest()
  popo?: ProofOfPossession
  regInfo?: AttributeTypeAndValues
}
defineSequence(CertReqMsg, {
  certReq: { type: CertRequest },
  popo: { type: ProofOfPossession, optional: true },
  regInfo: { type: AttributeTypeAndValues, optional: true },
})

/** CertReqMessages ::= SEQUENCE SIZE (1..MAX) OF CertReqMsg */
export class CertReqMessages extends AsnArray<CertReqMsg> {
  constructor(items?: CertReqMsg[]) {
    super(items)
    Object.setPrototypeOf(this, CertReqMessages.prototype)
  }
}
defineSequenceOf(CertReqMessages, CertReqMsg)

// ---------------------------------------------------------------------------
// Responses (RFC 4210 5.3.4)

/** CertOrEncCert ::= CHOICE { certificate [0] CMPCertificate, encryptedCert [1] EncryptedKey } */
export class CertOrEncCert {
  certificate?: ArrayBuffer
  encryptedCert?: ArrayBuffer
}
defineChoice(CertOrEncCert, {
  certificate: { type: AsnPropTypes.Any, context: 0 },
  encryptedCert: { type: AsnPropTypes.Any, context: 1 },
})

export class CertifiedKeyPair {
  certOrEncCert = new CertOrEncCert()
  privateKey?: ArrayBuffer
  publicationInfo?: ArrayBuffer
}
defineSequence(CertifiedKeyPair, {
  certOrEncCert: { type: CertOrEncCert },
  privateKey: { type: AsnPropTypes.Any, context: 0, optional: true },
  publicationInfo: { type: AsnPropTypes.Any, context: 1, optional: true },
})

export class CertResponse {
  certReqId = 0
  status = new PKIStatusInfo()
  certifiedKeyPair?: CertifiedKeyPair
  rspInfo?: ArrayBuffer
}
defineSequence(CertResponse, {
  certReqId: int,
  status: { type: PKIStatusInfo },
  certifiedKeyPair: { type: CertifiedKeyPair, optional: true },
  rspInfo: { type: AsnPropTypes.OctetString, optional: true },
})

export class CertResponses extends AsnArray<CertResponse> {
  constructor(items?: CertResponse[]) {
    super(items)
    Object.setPrototypeOf(this, CertResponses.prototype)
  }
}
defineSequenceOf(CertResponses, CertResponse)

export class CertRepMessage {
  caPubs?: CMPCertificates
  response = new CertResponses()
}
defineSequence(CertRepMessage, {
  caPubs: { type: CMPCertificates, context: 1, optional: true },
  response: { type: CertResponses },
})

// ---------------------------------------------------------------------------
// Confirmation, polling, errors (RFC 4210 5.3.18, 5.3.21, 5.3.22; RFC 9480 2.10)

export class CertStatus {
  certHash: ArrayBuffer = new ArrayBuffer(0)
  certReqId = 0
  statusInfo?: PKIStatusInfo
  hashAlg?: AlgorithmIdentifier
}
defineSequence(CertStatus, {
  certHash: { type: AsnPropTypes.OctetString },
  certReqId: int,
  statusInfo: { type: PKIStatusInfo, optional: true },
  hashAlg: { type: AlgorithmIdentifier, context: 0, optional: true },
})

export class CertConfirmContent extends AsnArray<CertStatus> {
  constructor(items?: CertStatus[]) {
    super(items)
    Object.setPrototypeOf(this, CertConfirmContent.prototype)
  }
}
defineSequenceOf(CertConfirmContent, CertStatus)

export class PollReq {
  certReqId = 0
}
defineSequence(PollReq, { certReqId: int })

export class PollReqContent extends AsnArray<PollReq> {
  constructor(items?: PollReq[]) {
    super(items)
    Object.setPrototypeOf(this, PollReqContent.prototype)
  }
}
defineSequenceOf(PollReqContent, PollReq)

export class PollRep {
  certReqId = 0
  /** Seconds. */
  checkAfter = 0
  reason?: PKIFreeText
}
defineSequence(PollRep, {
  certReqId: int,
  checkAfter: int,
  reason: { type: PKIFreeText, optional: true },
})

export class PollRepContent extends AsnArray<PollRep> {
  constructor(items?: PollRep[]) {
    super(items)
    Object.setPrototypeOf(this, PollRepContent.prototype)
  }
}
defineSequenceOf(PollRepContent, PollRep)

export class ErrorMsgContent {
  pKIStatusInfo = new PKIStatusInfo()
  errorCode?: number
  errorDetails?: PKIFreeText
}
defineSequence(ErrorMsgContent, {
  pKIStatusInfo: { type: PKIStatusInfo },
  errorCode: optionalInt,
  errorDetails: { type: PKIFreeText, optional: true },
})

// ---------------------------------------------------------------------------
// The message (RFC 4210 5.1)

/** pvno: cmp2000 unless a cmp2021 feature (RFC 9480 2.20) is used; OpenSSL 3.0 accepts only 2. */
export const PVNO_CMP2000 = 2

export class PKIHeader {
  pvno = PVNO_CMP2000
  /** GeneralName DER (a directoryName: [4] Name). */
  sender: ArrayBuffer = new ArrayBuffer(0)
  recipient: ArrayBuffer = new ArrayBuffer(0)
  messageTime?: Date
  protectionAlg?: AlgorithmIdentifier
  senderKID?: ArrayBuffer
  recipKID?: ArrayBuffer
  transactionID?: ArrayBuffer
  senderNonce?: ArrayBuffer
  recipNonce?: ArrayBuffer
  freeText?: PKIFreeText
  generalInfo?: InfoTypeAndValues
}
defineSequence(PKIHeader, {
  pvno: int,
  sender: { type: AsnPropTypes.Any },
  recipient: { type: AsnPropTypes.Any },
  messageTime: { type: AsnPropTypes.GeneralizedTime, context: 0, optional: true },
  protectionAlg: { type: AlgorithmIdentifier, context: 1, optional: true },
  senderKID: { type: AsnPropTypes.OctetString, context: 2, optional: true },
  recipKID: { type: AsnPropTypes.OctetString, context: 3, optional: true },
  transactionID: { type: AsnPropTypes.OctetString, context: 4, optional: true },
  senderNonce: { type: AsnPropTypes.OctetString, context: 5, optional: true },
  recipNonce: { type: AsnPropTypes.OctetString, context: 6, optional: true },
  freeText: { type: PKIFreeText, context: 7, optional: true },
  generalInfo: { type: InfoTypeAndValues, context: 8, optional: true },
})

/** The PKIBody alternatives ukey speaks. Exactly one is set. */
export class PKIBody {
  ir?: CertReqMessages
  ip?: CertRepMessage
  cr?: CertReqMessages
  cp?: CertRepMessage
  kur?: CertReqMessages
  kup?: CertRepMessage
  pkiconf?: null
  error?: ErrorMsgContent
  certConf?: CertConfirmContent
  pollReq?: PollReqContent
  pollRep?: PollRepContent
  /** General message and response (RFC 4210 5.3.19-20): RFC 9483 4.3's support messages (Get CA certificates). */
  genm?: InfoTypeAndValues
  genp?: InfoTypeAndValues
}
defineChoice(PKIBody, {
  ir: { type: CertReqMessages, context: 0 },
  ip: { type: CertRepMessage, context: 1 },
  cr: { type: CertReqMessages, context: 2 },
  cp: { type: CertRepMessage, context: 3 },
  kur: { type: CertReqMessages, context: 7 },
  kup: { type: CertRepMessage, context: 8 },
  pkiconf: { type: AsnPropTypes.Null, context: 19 },
  error: { type: ErrorMsgContent, context: 23 },
  certConf: { type: CertConfirmContent, context: 24 },
  pollReq: { type: PollReqContent, context: 25 },
  pollRep: { type: PollRepContent, context: 26 },
  genm: { type: InfoTypeAndValues, context: 21 },
  genp: { type: InfoTypeAndValues, context: 22 },
})

export type PKIBodyKind = keyof PKIBody
export const BODY_KINDS: readonly PKIBodyKind[] = ['ir', 'ip', 'cr', 'cp', 'kur', 'kup', 'pkiconf', 'error', 'certConf', 'pollReq', 'pollRep', 'genm', 'genp']

/** The body's alternative, by which property is set (pkiconf's value is null, not undefined). */
export function bodyKind(body: PKIBody): PKIBodyKind {
  for (const k of BODY_KINDS) if (body[k] !== undefined) return k
  throw new TypeError('PKIBody has no alternative set')
}

export class PKIMessage {
  header = new PKIHeader()
  body = new PKIBody()
  /** Kept with its unused-bits count: a signature BIT STRING with any is malformed. */
  protection?: BitString
  extraCerts?: CMPCertificates
}
defineSequence(PKIMessage, {
  header: { type: PKIHeader },
  body: { type: PKIBody },
  protection: { type: BitString, context: 0, optional: true },
  extraCerts: { type: CMPCertificates, context: 1, optional: true },
})

/** ProtectedPart ::= SEQUENCE { header PKIHeader, body PKIBody } (RFC 4210 5.1.3) */
export class ProtectedPart {
  header = new PKIHeader()
  body = new PKIBody()
}
defineSequence(ProtectedPart, {
  header: { type: PKIHeader },
  body: { type: PKIBody },
})

// ---------------------------------------------------------------------------

/**
 * Bounds for untrusted input, passed to asn1js: a CMP message nests about 12
 * deep; a few certificates are a few hundred nodes.
 */
const BER_LIMITS = { maxDepth: 40, maxNodes: 20_000, maxContentLength: 1 << 20 }

export function encode(value: object): Buffer {
  return Buffer.from(AsnSerializer.serialize(value))
}

/** Parses DER into one of the classes above. Throws the library's errors; callers wrap them. */
export function decode<T>(der: Uint8Array, type: Ctor<T>): T {
  return AsnParser.parse(der, type, { berOptions: BER_LIMITS }) as T
}
