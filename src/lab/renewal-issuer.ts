import { issueCertificate, type LabCa } from './ca.js'

export interface RenewalIssueRequest {
  /** SubjectPublicKeyInfo DER of the new key. */
  spki: Buffer
  /** Name DER, copied from the old certificate: kept byte for byte. */
  subjectDer: Buffer
  serialHex: string
  notBefore: Date
  notAfter: Date
}

/** The lab CA's renewal certificate: the old subject's bytes, the new key, the CA's validity cap. */
export function issueRenewal(ca: LabCa, req: RenewalIssueRequest): Promise<Buffer> {
  return issueCertificate(ca, { spki: req.spki, subject: req.subjectDer, serialHex: req.serialHex, notBefore: req.notBefore, notAfter: req.notAfter })
}
