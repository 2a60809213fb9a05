import { certificateFields as readFields, type CertificateFields } from '../../cert/certificate-fields.js'
import { DerError } from '../../cert/der.js'
import { CmpError } from './errors.js'

export type { CertificateFields }

/** The certificate's fields for a CMP message (cert/certificate-fields.ts); a damaged certificate is the caller's invalid input. */
export function certificateFields(input: Uint8Array): CertificateFields {
  try {
    return readFields(input)
  } catch (e) {
    if (e instanceof DerError) throw new CmpError('invalid-input', `certificate: ${e.message}`, { cause: e })
    throw e
  }
}
