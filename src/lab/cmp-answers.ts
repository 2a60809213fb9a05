// The bodies the lab CMP server answers with (RFC 4210 5.3): kup with a
// certificate or a status, pollRep, pkiConf, error; and the refusal a check
// throws, answered in the request's own kind (kup) or as an error message.

import {
  CertifiedKeyPair,
  CertOrEncCert,
  CertRepMessage,
  CertResponse,
  CertResponses,
  ErrorMsgContent,
  PKIBody,
  PKIFreeText,
  PollRep,
  PollRepContent,
  type PKIFailureName,
  type PKIStatusName,
} from '../renewal/cmp/asn1.js'
import { buildStatusInfo, toArrayBuffer } from '../renewal/cmp/messages.js'

/** A body to sign and the line the server's log shows for it. */
export interface Answer {
  body: PKIBody
  outcome: string
}

/** A refusal: the status the client reads, answered in the request's own kind (kup) or as an error message. */
export class Refusal extends Error {
  constructor(
    readonly failInfo: PKIFailureName[],
    readonly text: string,
    readonly as: 'error' | 'kup' = 'error',
  ) {
    super(text)
  }
}

export function errorBody(failInfo: PKIFailureName[], text: string, status: PKIStatusName = 'rejection'): PKIBody {
  const e = new ErrorMsgContent()
  e.pKIStatusInfo = buildStatusInfo(status, failInfo, text)
  e.errorDetails = new PKIFreeText([text])
  const body = new PKIBody()
  body.error = e
  return body
}

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

export function pollRepBody(certReqId: number, checkAfterSeconds: number, reason: string): PKIBody {
  const pr = new PollRep()
  pr.certReqId = certReqId
  pr.checkAfter = checkAfterSeconds
  pr.reason = new PKIFreeText([reason])
  const body = new PKIBody()
  body.pollRep = new PollRepContent([pr])
  return body
}

export function pkiConfBody(): PKIBody {
  const body = new PKIBody()
  body.pkiconf = null
  return body
}

/** A refusal's body: a kup with status rejection for a key update, an error message otherwise. */
export function refusalBody(refusal: Refusal, certReqId: number): PKIBody {
  return refusal.as === 'kup' ? certRepBody(certReqId, 'rejection', refusal.failInfo, refusal.text) : errorBody(refusal.failInfo, refusal.text)
}
