// The few DER constructions CMP needs around the schema classes: wrapping the
// already-encoded header and body into the protected part and the message
// (RFC 4210 5.1.3: the signature is over exactly the bytes that are sent), and
// ECDSA signatures (a token returns r||s; X.509 and CMP carry
// Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }, RFC 5480 2.2 / RFC 3279 2.2.3).

function lengthOctets(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n])
  const bytes: number[] = []
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}

export function tlv(tag: number, ...contents: Uint8Array[]): Buffer {
  const body = Buffer.concat(contents)
  return Buffer.concat([Buffer.from([tag]), lengthOctets(body.length), body])
}

export const sequence = (...items: Uint8Array[]): Buffer => tlv(0x30, ...items)

/** An unsigned big-endian magnitude as a DER INTEGER's content (minimal, positive). */
function unsignedIntegerContent(magnitude: Uint8Array): Buffer {
  let i = 0
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++
  const trimmed = Buffer.from(magnitude.subarray(i))
  return trimmed[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed
}

/** r||s (PKCS#11 CKM_ECDSA, IEEE P1363) → DER Ecdsa-Sig-Value. */
export function ecdsaRawToDer(raw: Uint8Array): Buffer {
  if (raw.length === 0 || raw.length % 2 !== 0 || raw.length > 264) {
    throw new RangeError(`ECDSA signature of ${raw.length} bytes is not r||s`)
  }
  const half = raw.length / 2
  const r = raw.subarray(0, half)
  const s = raw.subarray(half)
  if (r.every((b) => b === 0) || s.every((b) => b === 0)) throw new RangeError('ECDSA signature with r or s zero')
  return sequence(tlv(0x02, unsignedIntegerContent(r)), tlv(0x02, unsignedIntegerContent(s)))
}

export { elements, whole, type Element } from '../../cert/der.js'

