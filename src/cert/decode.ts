import { DerError } from './der.js'
import { findBegin, pemBlocksFrom, type PemBlock } from './pem.js'
import { looksLikePkcs7, pkcs7CertificateRanges } from './pkcs7.js'
import { looksLikePkcs12 } from './pkcs12.js'
import { readCertSummary, type CertSummary } from './summary.js'
import { UkeyError } from '../errors.js'

/** How a certificate reached us: a file format, read off a USB key ('token'), or from a system certificate store ('store'). */
export type CertFormat = 'pem' | 'der' | 'pkcs7' | 'pkcs7-pem' | 'pkcs12' | 'token' | 'store'

export interface Decoded {
  format: CertFormat
  certificates: CertSummary[]
  /** Damaged blocks in an otherwise readable file: reported, the rest still counts. */
  problems: UkeyError[]
}

const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE'])
const PKCS7_LABELS = new Set(['PKCS7', 'PKCS #7 SIGNED DATA', 'CMS'])

export function derProblem(e: unknown, source: string): UkeyError {
  if (e instanceof UkeyError) return e
  if (e instanceof DerError) {
    return new UkeyError(e.reason === 'truncated' ? 'CERT_TRUNCATED' : 'CERT_CORRUPT', { params: { source, detail: e.message }, cause: e })
  }
  return new UkeyError('CERT_CORRUPT', { params: { source, detail: String(e) }, cause: e })
}

function fromPkcs7(der: Uint8Array): CertSummary[] {
  return pkcs7CertificateRanges(der).map(([s, e]) => readCertSummary(der, s, e))
}

/**
 * Recognises the format by content, never by file name (a ".cer" is PEM as often
 * as DER), and reads every certificate in it. PKCS#12 needs a password, so it is
 * only recognised here: `openPkcs12` reads it.
 */
export function decodeCertificates(buf: Buffer, source: string): Decoded | 'pkcs12' {
  if (buf.length === 0) throw new UkeyError('INPUT_EMPTY', { params: { source } })
  // looksLikePem's answer, kept for pemBlocksFrom: one search of the file instead of two.
  const begin = findBegin(buf)
  if (begin >= 0) return decodePem(buf, begin, source)
  if (buf[0] === 0x30) {
    if (looksLikePkcs7(buf)) {
      let certificates: CertSummary[]
      try {
        certificates = fromPkcs7(buf)
      } catch (e) {
        throw derProblem(e, source)
      }
      // A signed message or an empty bundle: no certificate to check, as for PEM.
      if (certificates.length === 0) throw new UkeyError('NOT_A_CERTIFICATE', { params: { source } })
      return { format: 'pkcs7', certificates, problems: [] }
    }
    if (looksLikePkcs12(buf)) return 'pkcs12'
    try {
      return { format: 'der', certificates: [readCertSummary(buf)], problems: [] }
    } catch (e) {
      throw derProblem(e, source)
    }
  }
  throw new UkeyError('NOT_A_CERTIFICATE', { params: { source } })
}

function blockCertificate(block: PemBlock): CertSummary {
  // OpenSSL's TRUSTED CERTIFICATE appends trust settings after the certificate.
  return readCertSummary(block.der, 0, block.der.length, block.label !== 'TRUSTED CERTIFICATE')
}

function decodePem(buf: Buffer, begin: number, source: string): Decoded {
  const certificates: CertSummary[] = []
  const problems: UkeyError[] = []
  let sawPkcs7 = false
  let blocks
  try {
    blocks = pemBlocksFrom(buf, begin)
  } catch (e) {
    throw derProblem(e, source)
  }
  // One certificate block, nearly every file of a batch: the loop's answer without its
  // growing arrays (a first push reserves 17 slots: garbage for every file, issue 16).
  const only = blocks.length === 1 ? blocks[0]! : undefined
  if (only && CERT_LABELS.has(only.label)) {
    try {
      return { format: 'pem', certificates: [blockCertificate(only)], problems: [] }
    } catch (e) {
      throw derProblem(e, source)
    }
  }
  for (const block of blocks) {
    try {
      if (CERT_LABELS.has(block.label)) {
        certificates.push(blockCertificate(block))
      } else if (PKCS7_LABELS.has(block.label)) {
        sawPkcs7 = true
        certificates.push(...fromPkcs7(block.der))
      }
    } catch (e) {
      problems.push(derProblem(e, source))
    }
  }
  if (certificates.length === 0 && problems.length === 0) throw new UkeyError('NOT_A_CERTIFICATE', { params: { source } })
  if (certificates.length === 0 && problems.length === 1) throw problems[0]!
  return { format: sawPkcs7 ? 'pkcs7-pem' : 'pem', certificates, problems }
}
