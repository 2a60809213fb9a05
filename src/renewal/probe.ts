import { certificateFields } from './cmp/certificate-fields.js'
import { buildGetCaCerts, readCaCerts } from './cmp/general-message.js'
import { verifyProtection } from './cmp/protection.js'
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
  /** How many CA certificates the server's genp carried (absent: it answered genm with a signed error). */
  caCerts?: number
}

/**
 * Is the bank's CMP server there, and is it the bank's? Asks it for its CA
 * certificates (RFC 9483 4.3.1, an unprotected genm: no key signs anything, no
 * PIN, nothing that a bank could log as a forged request for the customer's
 * certificate). The answer must be signed by a certificate that chains to the
 * profile's CA; a server that does not serve genm answers a signed error, which
 * proves the same. A dry run and the health check use this.
 */
export async function probeServer(server: RenewalServer, oldCert: Buffer, transfer: TransferOptions = {}): Promise<ServerProbe> {
  // Addressed to the CA that issued the customer's certificate; the customer is not named (NULL-DN sender).
  const req = buildGetCaCerts({ recipient: certificateFields(oldCert).issuer })
  let answer: Buffer
  try {
    answer = await postPkiMessage(server.url, req.der, { ...(server.tlsCa.length ? { ca: server.tlsCa } : {}), ...transfer })
  } catch (e) {
    const proxy = e instanceof UkeyError ? (e.code === 'RENEWAL_PROXY_REFUSED' ? 'refused' : e.code === 'RENEWAL_PROXY_UNREACHABLE' ? 'unreachable' : undefined) : undefined
    return { reachable: false, trusted: false, detail: failure(e), ...(proxy ? { proxy } : {}) }
  }
  try {
    verifyProtection(answer, { trusted: server.trusted, expect: { transactionID: req.transactionID, recipNonce: req.senderNonce } })
    const caCerts = readCaCerts(answer)
    return { reachable: true, trusted: true, detail: server.url, ...(caCerts ? { caCerts: caCerts.length } : {}) }
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
