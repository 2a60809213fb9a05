// A certificate's fields as the DER bytes the CA wrote, never decoded and
// re-encoded, so nothing is normalised on the way. Two users, one reader:
// - a CMP key update request copies them from the old certificate (RFC 4210 /
//   RFC 9483: the request reuses the old subject; the oldCertID control names
//   issuer and serial; senderKID is the subject key identifier);
// - PKCS#11 stores them beside a certificate (CKA_SUBJECT, CKA_ISSUER,
//   CKA_SERIAL_NUMBER): middleware (the banks' signing controls, Windows CSP
//   bridges) matches a certificate to its key by these bytes.
// RFC 5280 4.1: tbsCertificate = [0] version?, serialNumber, signature, issuer, validity, subject, spki, …

import { children, DerError, elements, oidText, readTlv, TAG, whole } from './der.js'

export interface CertificateFields {
  der: Buffer
  /** INTEGER content octets of the serial number. */
  serial: Buffer
  /** The serial number's whole INTEGER element, tag and length included (CKA_SERIAL_NUMBER). */
  serialElement: Buffer
  /** Name DER. */
  issuer: Buffer
  /** Name DER. */
  subject: Buffer
  /** SubjectPublicKeyInfo DER. */
  spki: Buffer
  /** Subject key identifier (the keyIdentifier octets), when the certificate has the extension. */
  subjectKeyId: Buffer | undefined
  /** The certificate's signature algorithm OID (certConf hashes with its digest, RFC 4210 5.3.18). */
  signatureAlgorithm: string
}

const OID_SUBJECT_KEY_IDENTIFIER = '2.5.29.14'

/** Throws DerError on a damaged certificate. */
export function certificateFields(input: Uint8Array): CertificateFields {
  const der = Buffer.from(input)
  const cert = readTlv(der, 0)
  if (cert.tag !== TAG.SEQUENCE || cert.next !== der.length) throw new DerError('malformed', 'not a single SEQUENCE')
  const [tbs, sigAlg] = children(der, cert)
  if (!tbs || !sigAlg || tbs.tag !== TAG.SEQUENCE || sigAlg.tag !== TAG.SEQUENCE) throw new DerError('malformed', 'certificate structure')
  const fields = elements(der, tbs)
  let i = fields[0]?.tag === TAG.CONTEXT_0 ? 1 : 0
  const serial = fields[i++]
  i++ // signature AlgorithmIdentifier
  const issuer = fields[i++]
  i++ // validity
  const subject = fields[i++]
  const spki = fields[i++]
  if (!serial || serial.tag !== TAG.INTEGER || !issuer || issuer.tag !== TAG.SEQUENCE || !subject || subject.tag !== TAG.SEQUENCE || !spki || spki.tag !== TAG.SEQUENCE) {
    throw new DerError('malformed', 'tbsCertificate fields')
  }
  let subjectKeyId: Buffer | undefined
  const extensions = fields.slice(i).find((f) => f.tag === TAG.CONTEXT_3)
  if (extensions) {
    const list = children(der, extensions)[0]
    for (const ext of list ? children(der, list) : []) {
      const parts = children(der, ext)
      if (parts[0]?.tag !== TAG.OID || oidText(der, parts[0]) !== OID_SUBJECT_KEY_IDENTIFIER) continue
      const value = parts[parts.length - 1]!
      const inner = readTlv(der, value.start, value.end)
      if (inner.tag === TAG.OCTET_STRING) subjectKeyId = Buffer.from(der.subarray(inner.start, inner.end))
    }
  }
  const sigOid = children(der, sigAlg)[0]
  if (!sigOid || sigOid.tag !== TAG.OID) throw new DerError('malformed', 'signature algorithm')
  return {
    der,
    serial: Buffer.from(der.subarray(serial.start, serial.end)),
    serialElement: whole(der, serial),
    issuer: whole(der, issuer),
    subject: whole(der, subject),
    spki: whole(der, spki),
    subjectKeyId,
    signatureAlgorithm: oidText(der, sigOid),
  }
}
