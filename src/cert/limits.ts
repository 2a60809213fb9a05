import { DerError } from './der.js'

// One limit policy for every reader of certificates: check-window's window
// reader (summary.ts) and show-cert's full decoder (details.ts, names.ts,
// extensions.ts) walk the same DER with der.ts, so what one accepts the other
// reads. der.ts is linear in the input and never recurses on a depth the input
// chooses, so a node count or nesting limit (a general ASN.1 decoder's defence,
// e.g. asn1js's 10,000 nodes, which called a valid certificate with a 1.2 MB
// subject "damaged") has nothing to guard: the one bound is the size of a
// certificate, far above any real one and below the input cap (bounded-read.ts).

/** Largest certificate either command reads: real ones are 1–4 KB; a 1.2 MB subject still fits. */
export const MAX_CERTIFICATE_BYTES = 16 * 1024 * 1024

/** Refuses a certificate element over the limit before anything in it is read. */
export function checkCertificateSize(bytes: number): void {
  if (bytes > MAX_CERTIFICATE_BYTES) {
    throw new DerError('malformed', `certificate of ${bytes} bytes: the limit is ${MAX_CERTIFICATE_BYTES}`)
  }
}
