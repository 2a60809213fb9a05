// CMP key update for ukey's renewal (RFC 4210 / RFC 9480, RFC 4211, RFC 6712,
// profile RFC 9483): messages, protection, transfer. The protocol client (kur →
// poll → verify → certConf) and the lab server build on these.
export { CmpError, isCmpError, type CmpErrorReason } from './errors.js'
export {
  buildCertConf,
  buildKeyUpdateRequest,
  buildPollReq,
  buildProtectedMessage,
  buildStatusInfo,
  certHash,
  CERT_REQ_ID,
  directoryName,
  parsePkiMessage,
  readResponse,
  readStatusInfo,
  type BuiltRequest,
  type CertConfParams,
  type CmpResponse,
  type FollowUpParams,
  type HeaderParams,
  type KeyUpdateRequestParams,
  type MessageHeader,
  type PollReqParams,
  type RequestContext,
  type StatusInfo,
} from './messages.js'
export { verifyProtection, type VerifiedProtection, type VerifyProtectionOptions } from './protection.js'
export { postPkiMessage, PKIXCMP, type TransferOptions } from './transfer.js'
export { softwareSigner, spkiOf, tokenSigner, type SignatureAlgorithm, type Signer } from './signer.js'
export { certificateFields, type CertificateFields } from './certificate-fields.js'
export { PKI_FAILURE_BITS, PKI_STATUS, type PKIFailureName, type PKIStatusName } from './asn1.js'
export {
  checkIssued, confirmCertificate, faqCodeOf, rejectCertificate, requestCertificate, requestKeyUpdate,
  type IssuedCertificate, type KeyUpdateOptions, type KeyUpdateResult, type PendingConfirmation,
} from './client.js'
