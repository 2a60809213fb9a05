// RFC 9483 4.3.1 "Get CA certificates": a general message (genm, RFC 4210
// 5.3.19) carrying one InfoTypeAndValue of type id-it-caCerts without a value;
// the CA answers a general response (genp) whose id-it-caCerts value is
// SEQUENCE OF CMPCertificate (RFC 9480 2.3.1), absent when it has none.
//
// ukey sends it unprotected: RFC 4210 5.1.3 makes `protection` OPTIONAL and this
// message asks for public data, so no key — neither a throwaway one nor the
// customer's, which would need the PIN — signs anything. The answer must still be
// signed by the CA side (verifyProtection): that is what the dry run checks.
import { randomBytes } from 'node:crypto'
import { readTlv } from '../../cert/der.js'
import { encode, InfoTypeAndValue, InfoTypeAndValues, PKIBody, PKIHeader, PVNO_CMP2000 } from './asn1.js'
import { elements, sequence, whole } from './der.js'
import { CmpError } from './errors.js'
import { directoryName, parsePkiMessage, toArrayBuffer, type BuiltRequest } from './messages.js'

/** id-it-caCerts (RFC 9480 2.3.1). */
export const OID_IT_CA_CERTS = '1.3.6.1.5.5.7.4.17'

/** The NULL-DN sender of a message no certificate stands behind (RFC 4210 5.1.1). */
const NULL_DN = Buffer.from([0x30, 0x00])

export interface GetCaCertsParams {
  /** The CA's name (Name DER): the issuer of the customer's certificate. */
  recipient: Buffer
  transactionID?: Buffer
  senderNonce?: Buffer
  messageTime?: Date
}

/** genm { id-it-caCerts }, unprotected; the answer must echo its transactionID and senderNonce. */
export function buildGetCaCerts(p: GetCaCertsParams): BuiltRequest {
  const transactionID = p.transactionID ?? randomBytes(16)
  const senderNonce = p.senderNonce ?? randomBytes(16)
  const h = new PKIHeader()
  h.pvno = PVNO_CMP2000
  h.sender = toArrayBuffer(directoryName(NULL_DN))
  h.recipient = toArrayBuffer(directoryName(p.recipient))
  h.messageTime = new Date(Math.floor((p.messageTime ?? new Date()).getTime() / 1000) * 1000)
  h.transactionID = toArrayBuffer(transactionID)
  h.senderNonce = toArrayBuffer(senderNonce)
  const itav = new InfoTypeAndValue()
  itav.infoType = OID_IT_CA_CERTS
  const body = new PKIBody()
  body.genm = new InfoTypeAndValues([itav])
  return { der: sequence(encode(h), encode(body)), transactionID, senderNonce }
}

/** A genp answering Get CA certificates with these certificates (DER each). */
export function caCertsGenpBody(certs: Buffer[]): PKIBody {
  const itav = new InfoTypeAndValue()
  itav.infoType = OID_IT_CA_CERTS
  if (certs.length) itav.infoValue = toArrayBuffer(sequence(...certs))
  const body = new PKIBody()
  body.genp = new InfoTypeAndValues([itav])
  return body
}

/** Whether a request is Get CA certificates (a genm naming id-it-caCerts). */
export function asksForCaCerts(body: PKIBody): boolean {
  return Boolean(body.genm && [...body.genm].some((i) => i.infoType === OID_IT_CA_CERTS))
}

/**
 * The CA certificates of a genp (DER each; empty when the CA sent none), or null
 * when the message is no genp. Structure only: verify the protection first.
 */
export function readCaCerts(der: Uint8Array): Buffer[] | null {
  const msg = parsePkiMessage(der)
  const genp = msg.body.genp
  if (!genp) return null
  const itav = [...genp].find((i) => i.infoType === OID_IT_CA_CERTS)
  if (!itav) throw new CmpError('malformed', 'genp without id-it-caCerts')
  if (!itav.infoValue) return []
  const value = Buffer.from(itav.infoValue)
  try {
    return elements(value, readTlv(value, 0)).map((e) => whole(value, e))
  } catch (e) {
    throw new CmpError('malformed', 'id-it-caCerts value is not a SEQUENCE OF Certificate', { cause: e })
  }
}
