import { TAG, expect, readTlv } from '../../cert/der.js'

export interface CertificateFields {
  /** The DER encodings PKCS#11 wants in CKA_SUBJECT, CKA_ISSUER and CKA_SERIAL_NUMBER (whole elements, tag and length included). */
  subject: Buffer
  issuer: Buffer
  serial: Buffer
}

/**
 * Subject, issuer and serial number exactly as encoded in the certificate
 * (RFC 5280 4.1: tbsCertificate = [0] version?, serialNumber, signature, issuer,
 * validity, subject, ...). node:crypto's X509Certificate gives only their text;
 * middleware (the banks' signing controls, Windows CSP bridges) matches a
 * certificate to its key by these bytes, so they are copied, never re-encoded.
 * Throws DerError on a damaged certificate.
 */
export function certificateFields(der: Buffer): CertificateFields {
  const cert = expect(der, 0, der.length, TAG.SEQUENCE, 'Certificate')
  const tbs = expect(der, cert.start, cert.end, TAG.SEQUENCE, 'tbsCertificate')
  let p = tbs.start
  const first = readTlv(der, p, tbs.end)
  if (first.tag === TAG.CONTEXT_0) p = first.next
  const serialAt = p
  const serial = expect(der, p, tbs.end, TAG.INTEGER, 'serialNumber')
  const signature = expect(der, serial.next, tbs.end, TAG.SEQUENCE, 'signature')
  const issuerAt = signature.next
  const issuer = expect(der, issuerAt, tbs.end, TAG.SEQUENCE, 'issuer')
  const validity = expect(der, issuer.next, tbs.end, TAG.SEQUENCE, 'validity')
  const subjectAt = validity.next
  const subject = expect(der, subjectAt, tbs.end, TAG.SEQUENCE, 'subject')
  return {
    serial: Buffer.from(der.subarray(serialAt, serial.end)),
    issuer: Buffer.from(der.subarray(issuerAt, issuer.end)),
    subject: Buffer.from(der.subarray(subjectAt, subject.end)),
  }
}
