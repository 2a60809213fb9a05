// The bodies the lab CMP server answers with (RFC 4210 5.3) besides kup and
// pkiConf (../renewal/cmp/answer-bodies.ts): pollRep, error; and the refusal a check
// throws, answered in the request's own kind (kup) or as an error message.

import {
  ErrorMsgContent,
  PKIBody,
  PKIFreeText,
  PollRep,
  PollRepContent,
  type PKIFailureName,
  type PKIStatusName,
} from '../renewal/cmp/asn1.js'
import { certRepBody } from '../renewal/cmp/answer-bodies.js'
import { buildStatusInfo } from '../renewal/cmp/messages.js'

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

export function pollRepBody(certReqId: number, checkAfterSeconds: number, reason: string): PKIBody {
  const pr = new PollRep()
  pr.certReqId = certReqId
  pr.checkAfter = checkAfterSeconds
  pr.reason = new PKIFreeText([reason])
  const body = new PKIBody()
  body.pollRep = new PollRepContent([pr])
  return body
}

/** A refusal's body: a kup with status rejection for a key update, an error message otherwise. */
export function refusalBody(refusal: Refusal, certReqId: number): PKIBody {
  return refusal.as === 'kup' ? certRepBody(certReqId, 'rejection', refusal.failInfo, refusal.text) : errorBody(refusal.failInfo, refusal.text)
}
