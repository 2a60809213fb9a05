// The lab's CMP server (issue 5, item 4): the lab CA answering key update
// requests over HTTP (RFC 6712) on 127.0.0.1. It checks what a bank's CA
// checks — the request is signed by a client certificate of its own (else a
// refusal carrying "403.7"), the certificate is in its renewal window and not
// already renewed (else "0116 …"), the new key proves possession (RFC 4211
// 4.1) — then issues a certificate with the old subject and the new key.
// Every answer is signed by the lab CA's key, the CA certificate as sender.
// Not a bank: a test double that really issues.
//
// The parts: routing and HTTP limits (cmp-http.ts), who is asking
// (cmp-client-check.ts), the CA that signs and issues (cmp-ca.ts), the record
// of renewals (cmp-store.ts), the transactions' state machine
// (cmp-transactions.ts). This file decodes, dispatches, logs and signs.

import { randomBytes } from 'node:crypto'
import type { WindowPolicy } from '../cert/window.js'
import { UkeyError } from '../errors.js'
import type { PKIMessage } from '../renewal/cmp/asn1.js'
import { CmpError } from '../renewal/cmp/errors.js'
import { asksForCaCerts, caCertsGenpBody } from '../renewal/cmp/general-message.js'
import { parsePkiMessage } from '../renewal/cmp/messages.js'
import type { LabCa } from './ca.js'
import { errorBody, Refusal, refusalBody, type Answer } from './cmp-answers.js'
import { LabCmpCa, type Misissue } from './cmp-ca.js'
import { authenticateClient } from './cmp-client-check.js'
import { listenCmp, type CmpHttpServer } from './cmp-http.js'
import { RenewalStore } from './cmp-store.js'
import { KeyUpdateTransactions, TRANSACTION_TTL_MS } from './cmp-transactions.js'

export { LAB_CMP_SERVER_NAME } from './cmp-ca.js'

export interface LabCmpServerOptions {
  /**
   * The lab CA, or where to read it on every request: a lab re-initialised
   * while the server runs (`lab init --force`) is then followed — new CA, its
   * own record of renewals, open transactions dropped — instead of answering
   * for a CA that no longer exists. Throwing (a lab removed) refuses the request.
   */
  ca: LabCa | (() => LabCa)
  policy: WindowPolicy
  /** Where issued renewals are recorded (JSON), so "already renewed" survives a restart. */
  stateFile: string
  /** The clock; defaults to the system's. */
  now?: () => Date
  /** How many times a key update is answered "not yet" (waiting, then pollRep) before the certificate. */
  waitingCount?: number
  /** One entry per message handled, and per HTTP request refused before CMP: no keys, no certificates. */
  log?: (entry: LogEntry) => void
  /** A CA gone wrong, for fault tests: a client must refuse what it issues. */
  misissue?: Misissue
  /** How often expired transactions are forgotten; default a tenth of their lifetime. */
  sweepEveryMs?: number
}

export interface LogEntry {
  /** Hex of the transactionID's first 4 bytes, or '-' when unreadable or not CMP. */
  tid: string
  /** The request body: kur, certConf, pollReq, … or 'malformed'; `HTTP <method> <path>` for an HTTP refusal; 'lab' for the lab itself. */
  kind: string
  /** The answer: 'kup accepted', 'waiting', 'pollRep', 'pkiConf', 'rejected: <status string>', or '<HTTP status> <reason>'. */
  outcome: string
}

export interface LabCmpServer {
  /** Answers one PKIMessage with one PKIMessage (a refusal is a message too); rejects only if nothing can be signed. */
  handle(der: Buffer): Promise<Buffer>
  /** Serves `handle` over HTTP on `host` (default 127.0.0.1), `port` (default 0: any free port). */
  listen(host?: string, port?: number, http?: { requestTimeoutMs?: number }): Promise<CmpHttpServer>
  /** Transactions in progress (for tests and status). */
  openTransactions(): number
  /** Stops the sweep timer (the HTTP server's close does it too). */
  close(): void
}

/** One lab's CA, record and transactions: replaced as a whole when the lab is re-initialised. */
interface Generation {
  caPem: string
  ca: LabCmpCa
  transactions: KeyUpdateTransactions
}

/** The body's kind for the log. */
function kindOf(msg: PKIMessage): string {
  const b = msg.body
  return b.kur ? 'kur' : b.pollReq ? 'pollReq' : b.certConf ? 'certConf' : b.ir ? 'ir' : b.cr ? 'cr' : b.error ? 'error' : b.genm ? 'genm' : 'response'
}

export function createLabCmpServer(options: LabCmpServerOptions): LabCmpServer {
  const clock = options.now ?? ((): Date => new Date())
  const waitingCount = Math.max(0, Math.trunc(options.waitingCount ?? 0))
  const log = options.log ?? ((): void => undefined)
  const readCa = typeof options.ca === 'function' ? options.ca : ((ca: LabCa) => (): LabCa => ca)(options.ca)

  function generation(ca: LabCa): Generation {
    const cmpCa = LabCmpCa.create(ca, clock, options.misissue)
    const store = new RenewalStore(options.stateFile)
    return { caPem: ca.certPem, ca: cmpCa, transactions: new KeyUpdateTransactions({ ca: cmpCa, store, policy: options.policy, waitingCount }) }
  }
  let current = generation(readCa())

  /** The lab as it is now: a new CA means a new lab, whose record and transactions start afresh. */
  function follow(): Generation {
    const ca = readCa()
    if (ca.certPem !== current.caPem) {
      current = generation(ca)
      log({ tid: '-', kind: 'lab', outcome: 're-initialised: serving its new CA (open transactions dropped)' })
    }
    return current
  }

  const sweeper = setInterval(() => current.transactions.sweep(clock().getTime()), options.sweepEveryMs ?? TRANSACTION_TTL_MS / 10)
  sweeper.unref()

  async function dispatch(g: Generation, der: Buffer, msg: PKIMessage, tidHex: string, now: Date): Promise<Answer> {
    const b = msg.body
    const client = (): ReturnType<typeof authenticateClient> => authenticateClient(der, msg, now, g.ca.caDer)
    if (b.kur) return g.transactions.keyUpdate(der, msg, tidHex, client, now)
    if (b.pollReq) return g.transactions.poll(msg, tidHex, client(), now)
    if (b.certConf) return g.transactions.confirm(msg, tidHex, client(), now)
    if (b.error) return g.transactions.giveUp(msg, tidHex, client(), now)
    // RFC 9483 4.3.1 Get CA certificates: public data, asked without protection (ukey's dry run), answered signed.
    if (asksForCaCerts(b)) return { body: caCertsGenpBody([g.ca.caDer]), outcome: 'genp caCerts' }
    throw new Refusal(['badRequest'], `${kindOf(msg)} is not served here (key update only)`)
  }

  async function handle(der: Buffer): Promise<Buffer> {
    const now = clock()
    let msg: PKIMessage | undefined
    let kind = 'malformed'
    let tid = '-'
    let g = current
    try {
      try {
        g = follow()
      } catch (e) {
        // The lab's files are gone or unreadable: say so to the client and in the log, keep serving nothing.
        throw new Refusal(['systemFailure'], `lab unavailable: ${e instanceof UkeyError ? e.code : 'its CA cannot be read'} (run \`ukey lab init\`, then restart \`ukey lab serve\`)`)
      }
      try {
        msg = parsePkiMessage(der)
      } catch (e) {
        if (e instanceof CmpError) {
          kind = e.reason === 'unsupported' ? 'unsupported' : 'malformed'
          throw new Refusal(e.reason === 'unsupported' ? ['badRequest'] : ['badDataFormat'], e.reason === 'unsupported' ? `not served here: ${e.detail}` : 'malformed PKIMessage')
        }
        throw e
      }
      const tidBuf = msg.header.transactionID ? Buffer.from(msg.header.transactionID) : undefined
      tid = tidBuf ? tidBuf.subarray(0, 4).toString('hex') : '-'
      kind = kindOf(msg)
      if (!tidBuf || tidBuf.length < 1) throw new Refusal(['badDataFormat'], 'transactionID missing')
      if (!msg.header.senderNonce) throw new Refusal(['badSenderNonce'], 'senderNonce missing')
      const tidHex = tidBuf.toString('hex')
      const result = await dispatch(g, der, msg, tidHex, now)
      log({ tid, kind, outcome: result.outcome })
      const senderNonce = randomBytes(16)
      g.transactions.answered(tidHex, senderNonce)
      return await g.ca.sign(msg, result.body, senderNonce)
    } catch (e) {
      const refusal = e instanceof Refusal ? e : new Refusal(['systemFailure'], 'internal error')
      log({ tid, kind, outcome: `rejected: ${refusal.text}` })
      try {
        return await g.ca.sign(msg, refusalBody(refusal, msg?.body.kur?.[0]?.certReq.certReqId ?? 0))
      } catch {
        return g.ca.sign(undefined, errorBody(['systemFailure'], 'internal error'))
      }
    }
  }

  return {
    handle,
    openTransactions: () => current.transactions.size,
    close: () => clearInterval(sweeper),
    listen: async (host = '127.0.0.1', port = 0, http = {}) => {
      const server = await listenCmp(handle, {
        host,
        port,
        ...http,
        onRefusal: (r) => log({ tid: '-', kind: `HTTP ${r.method} ${r.path}`, outcome: `${r.status} ${r.reason}` }),
      })
      return {
        ...server,
        close: async (graceMs?: number) => {
          clearInterval(sweeper)
          await server.close(graceMs)
        },
      }
    },
  }
}
