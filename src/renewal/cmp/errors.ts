/**
 * Why a CMP exchange failed on ukey's side: the message could not be read, its
 * protection did not hold, or the transfer broke. A refusal by the server is
 * not a CmpError: it is a response (`readResponse` → kind 'error' or a
 * rejected status) that the protocol client turns into the FAQ codes.
 *
 * `detail` names what was wrong (a field, an HTTP status, an OID); it never
 * carries key material, a PIN or a whole message.
 */
export type CmpErrorReason =
  /** Not a well-formed PKIMessage, or a field with an impossible value. */
  | 'malformed'
  /** Well-formed but uses a body, algorithm or option ukey does not handle. */
  | 'unsupported'
  /** A response without protection (RFC 9483 3.2 allows none but errors). */
  | 'unprotected'
  /** The protection signature does not verify. */
  | 'bad-protection'
  /** No signer certificate in the message chains to a trusted CA certificate. */
  | 'untrusted-signer'
  /** transactionID, recipNonce or messageTime do not match this transaction. */
  | 'transaction-mismatch'
  /** Inputs to a builder were unusable (a certificate that is not DER, a wrong signature length). */
  | 'invalid-input'
  /** Connection refused, reset, DNS, TLS verification… */
  | 'transport'
  | 'timeout'
  | 'response-too-large'
  /** Not HTTP 200 (3xx included: redirects are never followed, RFC 6712 3.6). */
  | 'http-status'
  /** Not application/pkixcmp (RFC 6712 3.4). */
  | 'content-type'

export class CmpError extends Error {
  constructor(
    readonly reason: CmpErrorReason,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${reason}: ${detail}`, options)
    this.name = 'CmpError'
  }
}

export function isCmpError(e: unknown): e is CmpError {
  return e instanceof CmpError
}
