// Raw DER pieces the lab CMP server needs from a request as received: the
// CertRequest bytes the proof of possession signs (RFC 4211 4.1: the DER of
// certReq, which a re-encoding might not reproduce), and the Name inside a
// directoryName GeneralName.

import { children, readTlv } from '../cert/der.js'
import { CmpError } from '../renewal/cmp/errors.js'
import { elements, whole } from '../renewal/cmp/der.js'

/** PKIMessage → body [7] kur → CertReqMessages → first CertReqMsg → certReq, as sent. */
export function certReqBytes(message: Buffer): Buffer {
  try {
    const top = readTlv(message, 0)
    const body = elements(message, top)[1]
    const reqs = body && children(message, body)[0]
    const first = reqs && children(message, reqs)[0]
    const certReq = first && elements(message, first)[0]
    if (!certReq) throw new Error('no certReq')
    return whole(message, certReq)
  } catch (e) {
    throw new CmpError('malformed', 'certReq', { cause: e })
  }
}

/** The Name DER of a directoryName ([4] explicit), or undefined for any other GeneralName. */
export { directoryNameOf as nameOfGeneralName } from '../renewal/cmp/protection.js'
