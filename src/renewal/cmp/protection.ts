// Checks a received PKIMessage before anything in it is believed (RFC 4210
// 5.1.3.3, RFC 9483 3.5): a signature over the protected part by a certificate
// that names the sender and chains to a trusted CA certificate; the
// transaction and nonces of this exchange; a message time near ours.

import { verify as cryptoVerify, X509Certificate } from 'node:crypto'
import { DerError, readTlv } from '../../cert/der.js'
import type { PKIHeader, PKIMessage } from './asn1.js'
import { certificateFields, type CertificateFields } from './certificate-fields.js'
import { elements, sequence, whole } from './der.js'
import { CmpError } from './errors.js'
import { parsePkiMessage } from './messages.js'
import { SIGNATURE_ALGORITHMS } from './signer.js'

export interface VerifyProtectionOptions {
  /** Trust anchors: the bank profile's CA certificates (DER). */
  trusted: Buffer[]
  /** Intermediate certificates known besides the message's extraCerts. */
  untrusted?: Buffer[]
  /** The instant to check validity and messageTime against; defaults to now. */
  now?: Date
  /** How far messageTime may be from `now` (RFC 9483 3.5 leaves the window to policy); default 600 s. */
  maxClockSkewSeconds?: number
  /** What this exchange expects the message to echo. */
  expect?: {
    transactionID?: Buffer
    /** Our last senderNonce: the response's recipNonce must equal it. */
    recipNonce?: Buffer
  }
}

export interface VerifiedProtection {
  /** The certificate that signed the protection (DER). */
  signer: Buffer
  /** Signer first, up to and including the trust anchor. */
  chain: Buffer[]
  /** The message as parsed for the check, for `responseOf` (../messages.ts). */
  message: PKIMessage
}

const MAX_CHAIN = 6

function validAt(cert: X509Certificate, now: Date): boolean {
  return new Date(cert.validFrom).getTime() <= now.getTime() && now.getTime() <= new Date(cert.validTo).getTime()
}

function issuedBy(child: X509Certificate, parent: X509Certificate): boolean {
  // checkIssued compares names, key identifiers and the parent's keyUsage; verify checks the signature.
  return child.checkIssued(parent) && child.verify(parent.publicKey)
}

/** The Name DER inside a directoryName GeneralName ([4] explicit), or undefined for other name forms. */
export function directoryNameOf(generalName: Buffer): Buffer | undefined {
  try {
    const t = readTlv(generalName, 0)
    if (t.tag !== 0xa4 || t.next !== generalName.length) return undefined
    const inner = readTlv(generalName, t.start, t.end)
    return inner.next === t.end ? Buffer.from(generalName.subarray(t.start, t.end)) : undefined
  } catch {
    return undefined
  }
}

/**
 * Verifies a received message's protection and its place in the transaction.
 * Throws CmpError: 'unprotected', 'unsupported' (MAC protection or an
 * unknown algorithm), 'untrusted-signer', 'bad-protection',
 * 'transaction-mismatch', 'malformed'.
 */
export function verifyProtection(input: Uint8Array, options: VerifyProtectionOptions): VerifiedProtection {
  const der = Buffer.from(input.buffer, input.byteOffset, input.byteLength)
  const msg = parsePkiMessage(der)
  const now = options.now ?? new Date()
  const h = msg.header

  // The bytes signed: SEQUENCE { header, body } exactly as received (not re-encoded).
  let protectedPart: Buffer
  try {
    const parts = elements(der, readTlv(der, 0))
    protectedPart = sequence(whole(der, parts[0]!), whole(der, parts[1]!))
  } catch (e) {
    if (e instanceof DerError) throw new CmpError('malformed', e.message, { cause: e })
    throw e
  }

  if (!msg.protection || !h.protectionAlg) throw new CmpError('unprotected', 'no protection')
  // The signature is a whole number of octets; asn1js would silently drop a nonzero unused-bits count.
  if (msg.protection.unusedBits !== 0) throw new CmpError('malformed', 'protection BIT STRING with unused bits')
  const signature = Buffer.from(msg.protection.value)
  const alg = SIGNATURE_ALGORITHMS[h.protectionAlg.algorithm]
  if (!alg) {
    // 1.2.840.113533.7.66.13 is PasswordBasedMac: ukey never shares a secret with the CA.
    throw new CmpError('unsupported', `protection algorithm ${h.protectionAlg.algorithm}`)
  }

  const senderName = directoryNameOf(Buffer.from(h.sender))
  if (!senderName) throw new CmpError('untrusted-signer', 'sender is not a directoryName')
  const senderKID = h.senderKID ? Buffer.from(h.senderKID) : undefined

  const extra = (msg.extraCerts ? [...msg.extraCerts] : []).map((c) => Buffer.from(c))
  // Unreadable certificates in the message are skipped, not fatal: only the chain that verifies matters.
  const pool = [...extra, ...(options.untrusted ?? [])].flatMap((d) => known(d))
  const anchors = options.trusted.map((d) => {
    const k = known(d)[0]
    if (!k) throw new CmpError('invalid-input', 'a trusted CA certificate is not a certificate')
    return k
  })

  // The signer names the sender (RFC 4210 5.1.1) and, when senderKID is given, has that key id.
  const candidates = [...pool, ...anchors].filter(({ fields: f }) => {
    if (!f.subject.equals(senderName)) return false
    return !senderKID || !f.subjectKeyId || f.subjectKeyId.equals(senderKID)
  })
  if (candidates.length === 0) throw new CmpError('untrusted-signer', 'no certificate in the message names the sender')

  let lastProblem = 'signer certificate does not chain to a trusted CA'
  for (const { der: signerDer, cert: signer } of candidates) {
    if (!validAt(signer, now)) {
      lastProblem = 'signer certificate expired or not yet valid'
      continue
    }
    const chain = buildChain(signerDer, signer, pool, anchors, now)
    if (!chain) {
      lastProblem = 'signer certificate does not chain to a trusted CA'
      continue
    }
    const keyType = signer.publicKey.asymmetricKeyType
    if (keyType !== alg.key) {
      lastProblem = `protection algorithm for ${alg.key} but signer key is ${String(keyType)}`
      continue
    }
    let ok: boolean
    try {
      ok = cryptoVerify(alg.hash, protectedPart, { key: signer.publicKey, dsaEncoding: 'der' }, signature)
    } catch {
      ok = false // an ECDSA signature that is not DER
    }
    if (!ok) throw new CmpError('bad-protection', 'signature does not verify')
    checkTransaction(msg.header, options, now)
    return { signer: signerDer, chain, message: msg }
  }
  throw new CmpError('untrusted-signer', lastProblem)
}

interface KnownCert {
  der: Buffer
  cert: X509Certificate
  fields: CertificateFields
}

function known(der: Buffer): KnownCert[] {
  try {
    return [{ der, cert: new X509Certificate(der), fields: certificateFields(der) }]
  } catch {
    return []
  }
}

function buildChain(leafDer: Buffer, leaf: X509Certificate, pool: KnownCert[], anchors: KnownCert[], now: Date): Buffer[] | undefined {
  // The signer may itself be a trust anchor (a CA that signs its own responses).
  if (anchors.some((a) => a.der.equals(leafDer))) return [leafDer]
  const chain = [leafDer]
  let current = leaf
  for (let depth = 0; depth < MAX_CHAIN; depth++) {
    const anchor = anchors.find((a) => validAt(a.cert, now) && issuedBy(current, a.cert))
    if (anchor) return [...chain, anchor.der]
    const next = pool.find((c) => !chain.some((d) => d.equals(c.der)) && c.cert.ca && validAt(c.cert, now) && issuedBy(current, c.cert))
    if (!next) return undefined
    chain.push(next.der)
    current = next.cert
  }
  return undefined
}

function checkTransaction(h: PKIHeader, options: VerifyProtectionOptions, now: Date): void {
  if (h.pvno !== 2 && h.pvno !== 3) throw new CmpError('unsupported', `pvno ${h.pvno}`)
  const expect = options.expect ?? {}
  if (expect.transactionID && !(h.transactionID && Buffer.from(h.transactionID).equals(expect.transactionID))) {
    throw new CmpError('transaction-mismatch', 'transactionID differs from the request')
  }
  if (expect.recipNonce && !(h.recipNonce && Buffer.from(h.recipNonce).equals(expect.recipNonce))) {
    throw new CmpError('transaction-mismatch', 'recipNonce is not our senderNonce')
  }
  if (h.messageTime) {
    const skew = Math.abs(h.messageTime.getTime() - now.getTime()) / 1000
    const max = options.maxClockSkewSeconds ?? 600
    if (skew > max) throw new CmpError('transaction-mismatch', `messageTime ${Math.round(skew)} s from local time (limit ${max} s)`)
  }
}
