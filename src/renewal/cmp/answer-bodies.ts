// The bodies a CMP server answers a key update with (RFC 4210 5.3.4, 5.3.17):
// kup (a certificate or a status) and pkiConf. The lab's server sends them;
// the client builds them only to rehearse reading them (client.ts).

import { CertifiedKeyPair, CertOrEncCert, CertRepMessage, CertResponse, CertResponses, PKIBody, type PKIFailureName, type PKIStatusName } from './asn1.js'
import { buildStatusInfo, toArrayBuffer } from './messages.js'

export function certRepBody(certReqId: number, status: PKIStatusName, failInfo: PKIFailureName[] = [], text?: string, certificate?: Buffer): PKIBody {
  const r = new CertResponse()
  r.certReqId = certReqId
  r.status = buildStatusInfo(status, failInfo, text)
  if (certificate) {
    const coe = new CertOrEncCert()
    coe.certificate = toArrayBuffer(certificate)
    const ckp = new CertifiedKeyPair()
    ckp.certOrEncCert = coe
    r.certifiedKeyPair = ckp
  }
  const rep = new CertRepMessage()
  rep.response = new CertResponses([r])
  const body = new PKIBody()
  body.kup = rep
  return body
}

export function pkiConfBody(): PKIBody {
  const body = new PKIBody()
  body.pkiconf = null
  return body
}
