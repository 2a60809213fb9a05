import { certificateFields as readFields } from '../../cert/certificate-fields.js'

export interface CertificateFields {
  /** The DER encodings PKCS#11 wants in CKA_SUBJECT, CKA_ISSUER and CKA_SERIAL_NUMBER (whole elements, tag and length included). */
  subject: Buffer
  issuer: Buffer
  serial: Buffer
}

/**
 * Subject, issuer and serial number exactly as encoded in the certificate, for the
 * attributes stored beside it (the one reader: cert/certificate-fields.ts).
 * Throws DerError on a damaged certificate.
 */
export function certificateFields(der: Buffer): CertificateFields {
  const f = readFields(der)
  return { subject: f.subject, issuer: f.issuer, serial: f.serialElement }
}
