import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { buildPollReq } from './cmp/messages.js'
import { verifyProtection } from './cmp/protection.js'
import { softwareSigner } from './cmp/signer.js'
import { postPkiMessage, type TransferOptions } from './cmp/transfer.js'
import { isCmpError } from './cmp/errors.js'
import { UkeyError } from '../errors.js'
import type { RenewalServer } from './trust.js'

export interface ServerProbe {
  reachable: boolean
  /** The answer was signed by a certificate that chains to the bank CA. */
  trusted: boolean
  detail: string
  /** The failure was the proxy's (refused, or not reachable), not the bank's: the remedy is the proxy setting. */
  proxy?: 'refused' | 'unreachable'
}

/**
 * Is the bank's CMP server there, and is it the bank's? Sends a poll request
 * for a transaction that does not exist, signed by a throwaway key (no PIN, no
 * change anywhere): any CMP server answers with an error message it signs, and
 * that signature must chain to the profile's CA. A dry run uses this.
 */
export async function probeServer(server: RenewalServer, oldCert: Buffer, transfer: TransferOptions = {}): Promise<ServerProbe> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  const req = await buildPollReq({ oldCert, signerOld: softwareSigner(privateKey), transactionID: randomBytes(16), recipNonce: randomBytes(16) })
  let answer: Buffer
  try {
    answer = await postPkiMessage(server.url, req.der, { ...(server.tlsCa.length ? { ca: server.tlsCa } : {}), ...transfer })
  } catch (e) {
    const proxy = e instanceof UkeyError ? (e.code === 'RENEWAL_PROXY_REFUSED' ? 'refused' : e.code === 'RENEWAL_PROXY_UNREACHABLE' ? 'unreachable' : undefined) : undefined
    return { reachable: false, trusted: false, detail: failure(e), ...(proxy ? { proxy } : {}) }
  }
  try {
    verifyProtection(answer, { trusted: server.trusted, expect: { transactionID: req.transactionID, recipNonce: req.senderNonce } })
    return { reachable: true, trusted: true, detail: server.url }
  } catch (e) {
    return { reachable: true, trusted: false, detail: isCmpError(e) ? `${e.reason}: ${e.detail}` : String(e) }
  }
}

/** One line for the dry run's server check: a proxy's refusal names the proxy (never its credentials). */
function failure(e: unknown): string {
  if (isCmpError(e)) return e.detail
  if (e instanceof UkeyError && e.code === 'RENEWAL_PROXY_REFUSED') return `the proxy refused (${e.params['proxy']}: ${e.params['status']})`
  if (e instanceof UkeyError && e.code === 'RENEWAL_PROXY_UNREACHABLE') return `the proxy cannot be reached (${e.params['proxy']}: ${e.params['detail']})`
  if (e instanceof UkeyError) return String(e.params['detail'] ?? e.code)
  return e instanceof Error ? e.message : String(e)
}
