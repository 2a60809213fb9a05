// The messages of a key update transaction (RFC 4210 5.3.5 / RFC 9483 4.1.3):
// kur → kup (or kup "waiting" → pollReq → pollRep … → kup) → certConf → pkiConf,
// every request protected by a signature of the old key (RFC 4210 5.1.3.3),
// the new key proving possession by signing its CertRequest (RFC 4211 4.1).

import { createHash, randomBytes } from 'node:crypto'
import { AsnConvert, BitString } from '@peculiar/asn1-schema'
import { SubjectPublicKeyInfo } from '@peculiar/asn1-x509'
import { DerError, readTlv, TAG, type Tlv } from '../../cert/der.js'
import {
  AttributeTypeAndValue,
  AttributeTypeAndValues,
  bitStringToBits,
  bitsToBitString,
  CertConfirmContent,
  CertId,
  CertReqMessages,
  CertReqMsg,
  CertRequest,
  CertStatus,
  CertTemplate,
  decode,
  encode,
  PKI_FAILURE_BITS,
  PKI_STATUS,
  PKIBody,
  PKIFreeText,
  PKIHeader,
  PKIMessage,
  PKIStatusInfo,
  POPOSigningKey,
  PollReq,
  PollReqContent,
  ProofOfPossession,
  PVNO_CMP2000,
  type CertRepMessage,
  type PKIFailureName,
  type PKIStatusName,
} from './asn1.js'
import { certificateFields, type CertificateFields } from './certificate-fields.js'
import { elements, sequence, tlv } from './der.js'
import { CmpError } from './errors.js'
import { signatureAlgorithmIdentifier, signForX509, type Signer } from './signer.js'

/** id-regCtrl-oldCertID (RFC 4211 6.5): which certificate the kur replaces. */
export const OID_REG_CTRL_OLD_CERT_ID = '1.3.6.1.5.5.7.5.1.5'

/** RFC 9483 3.1: transactionID and senderNonce of 128 bits. */
const NONCE_BYTES = 16

/** ukey sends one certificate request per message, with this id (RFC 9483 4.1.1). */
export const CERT_REQ_ID = 0

export const toArrayBuffer = (b: Uint8Array): ArrayBuffer => {
  const copy = new Uint8Array(b.length)
  copy.set(b)
  return copy.buffer
}
const toBuffer = (b: ArrayBuffer | ArrayBufferView): Buffer => (ArrayBuffer.isView(b) ? Buffer.from(b.buffer, b.byteOffset, b.byteLength) : Buffer.from(b))

/** GeneralName directoryName: [4] Name (explicit: Name is a CHOICE). */
export const directoryName = (nameDer: Uint8Array): Buffer => tlv(0xa4, nameDer)

/** What every request of the transaction shares. */
export interface RequestContext {
  /** The certificate being renewed (DER): it names the sender and goes first in extraCerts. */
  oldCert: Buffer
  /** Signs the protection: the old key. */
  signerOld: Signer
  /** The CA's name (Name DER) for the recipient field; defaults to the old certificate's issuer. */
  recipient?: Buffer
  /** More certificates after the old one in extraCerts (its chain up to, not including, the root). */
  extraCerts?: Buffer[]
  /** Defaults to now. */
  messageTime?: Date
}

export interface KeyUpdateRequestParams extends RequestContext {
  /** The new key's SubjectPublicKeyInfo DER. */
  newSpki: Buffer
  /** Name DER for the template; defaults to (and should be) the old certificate's subject, byte for byte. */
  subject?: Buffer
  /** Signs the proof of possession: the new key. */
  signerNew: Signer
  /** Defaults to 16 random bytes. */
  transactionID?: Buffer
  /** Defaults to 16 random bytes. */
  senderNonce?: Buffer
}

export interface FollowUpParams extends RequestContext {
  transactionID: Buffer
  /** The senderNonce of the server's last message (RFC 4210 5.1.1). */
  recipNonce: Buffer
  /** Defaults to 16 random bytes. */
  senderNonce?: Buffer
}

export interface CertConfParams extends FollowUpParams {
  /** The certificate as received in the kup. */
  certificate: Buffer
  certReqId?: number
  /** Present when ukey refuses the certificate (e.g. it is not for the new key). */
  rejection?: { failInfo: PKIFailureName[]; text?: string }
}

export interface PollReqParams extends FollowUpParams {
  certReqId?: number
}

/** A request ready to send, with what the response must echo. */
export interface BuiltRequest {
  der: Buffer
  transactionID: Buffer
  senderNonce: Buffer
}

function fieldsOf(cert: Buffer, what: string): CertificateFields {
  try {
    return certificateFields(cert)
  } catch (e) {
    if (e instanceof CmpError) throw new CmpError('invalid-input', `${what}: ${e.detail}`, { cause: e })
    throw e
  }
}

/** Everything a protected message's header says, for any sender (ukey's requests; the lab server's and tests' responses). */
export interface HeaderParams {
  /** Name DER of the sender: the subject of the protection certificate. */
  sender: Buffer
  /** Name DER of the recipient. */
  recipient: Buffer
  signer: Signer
  /** The protection certificate first, then its chain (RFC 9483 3.3). */
  extraCerts: Buffer[]
  /** The protection certificate's subject key identifier (RFC 9483 3.1: required when it has one). */
  senderKID?: Buffer
  transactionID: Buffer
  senderNonce: Buffer
  recipNonce?: Buffer
  messageTime?: Date
}

/**
 * Encodes header and body, signs SEQUENCE { header, body } — the exact bytes
 * then placed in the message (RFC 4210 5.1.3) — and assembles the PKIMessage.
 */
export async function buildProtectedMessage(p: HeaderParams, body: PKIBody): Promise<Buffer> {
  const h = new PKIHeader()
  h.pvno = PVNO_CMP2000
  h.sender = toArrayBuffer(directoryName(p.sender))
  h.recipient = toArrayBuffer(directoryName(p.recipient))
  // Whole seconds: GeneralizedTime with a fraction is legal but needlessly unusual.
  h.messageTime = new Date(Math.floor((p.messageTime ?? new Date()).getTime() / 1000) * 1000)
  h.protectionAlg = signatureAlgorithmIdentifier(p.signer.algorithm)
  if (p.senderKID) h.senderKID = toArrayBuffer(p.senderKID)
  h.transactionID = toArrayBuffer(p.transactionID)
  h.senderNonce = toArrayBuffer(p.senderNonce)
  if (p.recipNonce) h.recipNonce = toArrayBuffer(p.recipNonce)
  const headerDer = encode(h)
  const bodyDer = encode(body)
  const { signature } = await signForX509(p.signer, sequence(headerDer, bodyDer))
  const parts = [headerDer, bodyDer, tlv(0xa0, tlv(0x03, Buffer.from([0]), signature))]
  if (p.extraCerts.length > 0) parts.push(tlv(0xa1, sequence(...p.extraCerts)))
  return sequence(...parts)
}

/** A request of ukey's: sent by the old certificate's subject, signed by the old key. */
function sendAsOldCert(ctx: RequestContext, old: CertificateFields, ids: { transactionID: Buffer; senderNonce: Buffer; recipNonce?: Buffer }, body: PKIBody): Promise<Buffer> {
  return buildProtectedMessage(
    {
      sender: old.subject,
      recipient: ctx.recipient ?? old.issuer,
      signer: ctx.signerOld,
      extraCerts: [ctx.oldCert, ...(ctx.extraCerts ?? [])],
      ...(old.subjectKeyId ? { senderKID: old.subjectKeyId } : {}),
      ...ids,
      ...(ctx.messageTime ? { messageTime: ctx.messageTime } : {}),
    },
    body,
  )
}

function nonce(given: Buffer | undefined, what: string): Buffer {
  if (given === undefined) return randomBytes(NONCE_BYTES)
  if (given.length === 0 || given.length > 64) throw new CmpError('invalid-input', `${what} of ${given.length} bytes`)
  return given
}

/** The key update request: signed by the old key, proof of possession by the new key. */
export async function buildKeyUpdateRequest(p: KeyUpdateRequestParams): Promise<BuiltRequest> {
  const old = fieldsOf(p.oldCert, 'old certificate')
  const transactionID = nonce(p.transactionID, 'transactionID')
  const senderNonce = nonce(p.senderNonce, 'senderNonce')

  const template = new CertTemplate()
  template.subject = toArrayBuffer(p.subject ?? old.subject)
  let spki: SubjectPublicKeyInfo
  try {
    spki = AsnConvert.parse(p.newSpki, SubjectPublicKeyInfo)
  } catch (e) {
    throw new CmpError('invalid-input', 'new public key is not a SubjectPublicKeyInfo', { cause: e })
  }
  // The template must carry the key exactly as given: refuse anything the decoder would normalise.
  if (!Buffer.from(AsnConvert.serialize(spki)).equals(p.newSpki)) throw new CmpError('invalid-input', 'new public key is not DER')
  template.publicKey = spki

  const oldCertId = new CertId()
  oldCertId.issuer = toArrayBuffer(directoryName(old.issuer))
  oldCertId.serialNumber = toArrayBuffer(old.serial)
  const control = new AttributeTypeAndValue()
  control.type = OID_REG_CTRL_OLD_CERT_ID
  control.value = toArrayBuffer(encode(oldCertId))

  const certReq = new CertRequest()
  certReq.certReqId = CERT_REQ_ID
  certReq.certTemplate = template
  certReq.controls = new AttributeTypeAndValues([control])

  // RFC 4211 4.1 case 3: template has subject and key, so the signature is over the DER of certReq.
  const pop = await signForX509(p.signerNew, encode(certReq))
  const popoKey = new POPOSigningKey()
  popoKey.algorithmIdentifier = pop.algorithm
  popoKey.signature = new BitString(pop.signature)
  const popo = new ProofOfPossession()
  popo.signature = popoKey

  const msg = new CertReqMsg()
  msg.certReq = certReq
  msg.popo = popo
  const body = new PKIBody()
  body.kur = new CertReqMessages([msg])

  const der = await sendAsOldCert(p, old, { transactionID, senderNonce }, body)
  return { der, transactionID, senderNonce }
}

const CERT_HASH: Record<string, string> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
}

/** certHash (RFC 4210 5.3.18, pvno 2): the certificate DER hashed with its own signature's digest. */
export function certHash(certificate: Buffer): Buffer {
  const { signatureAlgorithm } = fieldsOf(certificate, 'issued certificate')
  const hash = CERT_HASH[signatureAlgorithm]
  if (!hash) throw new CmpError('unsupported', `certConf hash for signature algorithm ${signatureAlgorithm}`)
  return createHash(hash).update(certificate).digest()
}

export function buildStatusInfo(status: PKIStatusName, failInfo: readonly PKIFailureName[] = [], text?: string): PKIStatusInfo {
  const si = new PKIStatusInfo()
  si.status = PKI_STATUS[status]
  if (text) si.statusString = new PKIFreeText([text])
  if (failInfo.length > 0) si.failInfo = bitsToBitString(failInfo.map((n) => PKI_FAILURE_BITS.indexOf(n)))
  return si
}

/** Confirms (or, with `rejection`, refuses) the issued certificate. */
export async function buildCertConf(p: CertConfParams): Promise<BuiltRequest> {
  const old = fieldsOf(p.oldCert, 'old certificate')
  const senderNonce = nonce(p.senderNonce, 'senderNonce')
  const cs = new CertStatus()
  cs.certHash = toArrayBuffer(certHash(p.certificate))
  cs.certReqId = p.certReqId ?? CERT_REQ_ID
  cs.statusInfo = p.rejection
    ? buildStatusInfo('rejection', p.rejection.failInfo, p.rejection.text)
    : buildStatusInfo('accepted')
  const body = new PKIBody()
  body.certConf = new CertConfirmContent([cs])
  const der = await sendAsOldCert(p, old, { transactionID: p.transactionID, senderNonce, recipNonce: p.recipNonce }, body)
  return { der, transactionID: p.transactionID, senderNonce }
}

/** Asks whether the certificate is ready, after a "waiting" kup or a pollRep (RFC 4210 5.3.22). */
export async function buildPollReq(p: PollReqParams): Promise<BuiltRequest> {
  const old = fieldsOf(p.oldCert, 'old certificate')
  const senderNonce = nonce(p.senderNonce, 'senderNonce')
  const pr = new PollReq()
  pr.certReqId = p.certReqId ?? CERT_REQ_ID
  const body = new PKIBody()
  body.pollReq = new PollReqContent([pr])
  const der = await sendAsOldCert(p, old, { transactionID: p.transactionID, senderNonce, recipNonce: p.recipNonce }, body)
  return { der, transactionID: p.transactionID, senderNonce }
}

// ---------------------------------------------------------------------------
// Reading

/** PKIBody CHOICE tag numbers (RFC 4210 5.1.2), for naming what ukey does not read. */
const BODY_NAMES = [
  'ir', 'ip', 'cr', 'cp', 'p10cr', 'popdecc', 'popdecr', 'kur', 'kup', 'krr', 'krp', 'rr', 'rp', 'ccr', 'ccp',
  'ckuann', 'cann', 'rann', 'crlann', 'pkiconf', 'nested', 'genm', 'genp', 'error', 'certConf', 'pollReq', 'pollRep',
]
const READABLE_BODIES = new Set([0, 1, 2, 3, 7, 8, 19, 21, 22, 23, 24, 25, 26])

/**
 * Decodes a PKIMessage, or throws CmpError 'malformed' / 'unsupported'. The
 * outer structure is walked first with the strict DER reader, so trailing
 * bytes, indefinite lengths and bodies ukey does not speak are named plainly.
 */
// Deeper than any CMP message (a certificate's extensions sit about 15 levels down).
const MAX_NESTING = 64

/** X.690 8.1.1 for DER: the children of a constructed element tile its contents exactly. */
function strictlyNested(der: Buffer, el: Tlv, depth: number): void {
  if (depth > MAX_NESTING) throw new DerError('malformed', `nested more than ${MAX_NESTING} levels`)
  for (let p = el.start; p < el.end; ) {
    const child = readTlv(der, p, el.end)
    if (child.tag & 0x20) strictlyNested(der, child, depth + 1)
    p = child.next
  }
}

export function parsePkiMessage(input: Uint8Array): PKIMessage {
  const der = Buffer.from(input.buffer, input.byteOffset, input.byteLength)
  try {
    const top = readTlv(der, 0)
    if (top.tag !== TAG.SEQUENCE) throw new DerError('malformed', 'not a SEQUENCE')
    if (top.next !== der.length) throw new DerError('malformed', `${der.length - top.next} bytes after the message`)
    // Every constructed element exactly filled by its children, all the way down: asn1js
    // reads an element past its wrapper's declared end, so a damaged length (the
    // protection's [0] saying 10 octets around a 74-octet BIT STRING) would still decode
    // and verify — found by cmp-robustness's bit flips.
    strictlyNested(der, top, 0)
    const parts = elements(der, top)
    const body = parts[1]
    if (!parts[0] || parts[0].tag !== TAG.SEQUENCE || !body) throw new DerError('malformed', 'header and body')
    const bodyNumber = body.tag & 0x1f
    if ((body.tag & 0xe0) !== 0xa0) throw new DerError('malformed', `body tag 0x${body.tag.toString(16)}`)
    if (!READABLE_BODIES.has(bodyNumber)) {
      throw new CmpError('unsupported', `body ${BODY_NAMES[bodyNumber] ?? `[${bodyNumber}]`}`)
    }
  } catch (e) {
    if (e instanceof DerError) throw new CmpError('malformed', e.message, { cause: e })
    throw e
  }
  try {
    return decode(der, PKIMessage)
  } catch (e) {
    throw new CmpError('malformed', e instanceof Error ? e.message.slice(0, 200) : 'undecodable', { cause: e })
  }
}

export interface MessageHeader {
  pvno: number
  /** GeneralName DER. */
  sender: Buffer
  recipient: Buffer
  messageTime: Date | undefined
  /** OID of the protection algorithm. */
  protectionAlg: string | undefined
  senderKID: Buffer | undefined
  transactionID: Buffer | undefined
  senderNonce: Buffer | undefined
  recipNonce: Buffer | undefined
  freeText: string[]
}

export interface StatusInfo {
  status: PKIStatusName
  /** Names of the PKIFailureInfo bits set (unknown bit numbers are in `failBits` only). */
  failInfo: PKIFailureName[]
  failBits: number[]
  /** The statusString entries. */
  text: string[]
}

export type CmpResponse =
  | {
      kind: 'kup' | 'ip' | 'cp'
      header: MessageHeader
      certReqId: number
      status: StatusInfo
      /** DER as received; absent while waiting or when refused. */
      certificate: Buffer | undefined
      caPubs: Buffer[]
      extraCerts: Buffer[]
    }
  | { kind: 'pollRep'; header: MessageHeader; certReqId: number; checkAfter: number; reason: string[]; extraCerts: Buffer[] }
  | { kind: 'pkiConf'; header: MessageHeader; extraCerts: Buffer[] }
  | { kind: 'error'; header: MessageHeader; status: StatusInfo; errorCode: number | undefined; errorDetails: string[]; extraCerts: Buffer[] }

function readHeader(h: PKIHeader): MessageHeader {
  const opt = (b: ArrayBuffer | undefined): Buffer | undefined => (b === undefined ? undefined : toBuffer(b))
  return {
    pvno: h.pvno,
    sender: toBuffer(h.sender),
    recipient: toBuffer(h.recipient),
    messageTime: h.messageTime,
    protectionAlg: h.protectionAlg?.algorithm,
    senderKID: opt(h.senderKID),
    transactionID: opt(h.transactionID),
    senderNonce: opt(h.senderNonce),
    recipNonce: opt(h.recipNonce),
    freeText: h.freeText ? [...h.freeText] : [],
  }
}

const STATUS_NAMES = Object.keys(PKI_STATUS) as PKIStatusName[]

export function readStatusInfo(si: PKIStatusInfo): StatusInfo {
  const status = STATUS_NAMES.find((n) => PKI_STATUS[n] === si.status)
  if (status === undefined) throw new CmpError('malformed', `PKIStatus ${si.status}`)
  const failBits = si.failInfo ? bitStringToBits(si.failInfo) : []
  return {
    status,
    failInfo: failBits.filter((b) => b < PKI_FAILURE_BITS.length).map((b) => PKI_FAILURE_BITS[b]!),
    failBits,
    text: si.statusString ? [...si.statusString] : [],
  }
}

function readCertRep(kind: 'kup' | 'ip' | 'cp', rep: CertRepMessage, headerInfo: MessageHeader, extraCerts: Buffer[]): CmpResponse {
  const responses = [...rep.response]
  const first = responses[0]
  if (!first) throw new CmpError('malformed', `${kind} without a CertResponse`)
  if (responses.length > 1) throw new CmpError('unsupported', `${kind} with ${responses.length} responses to one request`)
  const coe = first.certifiedKeyPair?.certOrEncCert
  if (coe?.encryptedCert !== undefined) throw new CmpError('unsupported', 'encrypted certificate (ukey keeps keys on the token)')
  return {
    kind,
    header: headerInfo,
    certReqId: first.certReqId,
    status: readStatusInfo(first.status),
    certificate: coe?.certificate === undefined ? undefined : toBuffer(coe.certificate),
    caPubs: rep.caPubs ? [...rep.caPubs].map(toBuffer) : [],
    extraCerts,
  }
}

/**
 * Reads a server's answer into a typed result. Structure only: call
 * `verifyProtection` on the same bytes before trusting any of it.
 */
export function readResponse(der: Uint8Array): CmpResponse {
  return responseOf(parsePkiMessage(der))
}

/** `readResponse` of a message already parsed (by `verifyProtection`: each answer is parsed once). */
export function responseOf(msg: PKIMessage): CmpResponse {
  const headerInfo = readHeader(msg.header)
  const extraCerts = msg.extraCerts ? [...msg.extraCerts].map(toBuffer) : []
  const b = msg.body
  if (b.kup) return readCertRep('kup', b.kup, headerInfo, extraCerts)
  if (b.ip) return readCertRep('ip', b.ip, headerInfo, extraCerts)
  if (b.cp) return readCertRep('cp', b.cp, headerInfo, extraCerts)
  if (b.pollRep) {
    const first = b.pollRep[0]
    if (!first) throw new CmpError('malformed', 'empty pollRep')
    if (first.checkAfter < 0) throw new CmpError('malformed', `checkAfter ${first.checkAfter}`)
    return { kind: 'pollRep', header: headerInfo, certReqId: first.certReqId, checkAfter: first.checkAfter, reason: first.reason ? [...first.reason] : [], extraCerts }
  }
  if (b.pkiconf !== undefined) return { kind: 'pkiConf', header: headerInfo, extraCerts }
  if (b.error) {
    return {
      kind: 'error',
      header: headerInfo,
      status: readStatusInfo(b.error.pKIStatusInfo),
      errorCode: b.error.errorCode,
      errorDetails: b.error.errorDetails ? [...b.error.errorDetails] : [],
      extraCerts,
    }
  }
  throw new CmpError('unsupported', 'a request where a response was expected')
}
