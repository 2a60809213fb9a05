// Who signs a CMP message or a proof of possession: the token's key in real use
// (TokenSession.sign), a node:crypto key in tests and in the lab. The signer
// returns what a PKCS#11 token returns — PKCS#1 v1.5 signature bytes for RSA,
// r||s for ECDSA — and `signForX509` turns that into what X.509 and CMP carry.

import { createPublicKey, sign as cryptoSign, type KeyObject } from 'node:crypto'
import { AlgorithmIdentifier } from '@peculiar/asn1-x509'
import type { SignMechanism, TokenSession } from '../../hardware/pkcs11/types.js'
import { ecdsaRawToDer } from './der.js'
import { CmpError } from './errors.js'

export type SignatureAlgorithm = SignMechanism

export interface Signer {
  readonly algorithm: SignatureAlgorithm
  /** Hashes (SHA-256) and signs `data`. ECDSA: r||s. */
  sign(data: Buffer): Promise<Buffer>
}

export const OID = {
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  sha384WithRSAEncryption: '1.2.840.113549.1.1.12',
  sha512WithRSAEncryption: '1.2.840.113549.1.1.13',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  ecdsaWithSHA384: '1.2.840.10045.4.3.3',
  ecdsaWithSHA512: '1.2.840.10045.4.3.4',
} as const

/** Signature algorithms accepted on received messages: digest and key type. */
export const SIGNATURE_ALGORITHMS: Record<string, { hash: 'sha256' | 'sha384' | 'sha512'; key: 'rsa' | 'ec' }> = {
  [OID.sha256WithRSAEncryption]: { hash: 'sha256', key: 'rsa' },
  [OID.sha384WithRSAEncryption]: { hash: 'sha384', key: 'rsa' },
  [OID.sha512WithRSAEncryption]: { hash: 'sha512', key: 'rsa' },
  [OID.ecdsaWithSHA256]: { hash: 'sha256', key: 'ec' },
  [OID.ecdsaWithSHA384]: { hash: 'sha384', key: 'ec' },
  [OID.ecdsaWithSHA512]: { hash: 'sha512', key: 'ec' },
}

/** RFC 4055 5: RSA PKCS#1 v1.5 identifiers carry NULL parameters; RFC 5758 3.2: ECDSA ones carry none. */
export function signatureAlgorithmIdentifier(algorithm: SignatureAlgorithm): AlgorithmIdentifier {
  return algorithm === 'RSA-PKCS-SHA256'
    ? new AlgorithmIdentifier({ algorithm: OID.sha256WithRSAEncryption, parameters: null })
    : new AlgorithmIdentifier({ algorithm: OID.ecdsaWithSHA256 })
}

/** Signs and returns the signature in its X.509/CMP form (ECDSA as DER Ecdsa-Sig-Value). */
export async function signForX509(signer: Signer, data: Buffer): Promise<{ algorithm: AlgorithmIdentifier; signature: Buffer }> {
  const raw = await signer.sign(data)
  let signature: Buffer
  if (signer.algorithm === 'ECDSA-SHA256') {
    try {
      signature = ecdsaRawToDer(raw)
    } catch (e) {
      throw new CmpError('invalid-input', `signer returned ${raw.length} bytes, not an ECDSA r||s signature`, { cause: e })
    }
  } else signature = raw
  return { algorithm: signatureAlgorithmIdentifier(signer.algorithm), signature }
}

/** A key pair on the token, by CKA_ID. */
export function tokenSigner(session: Pick<TokenSession, 'sign'>, id: string, algorithm: SignatureAlgorithm): Signer {
  return { algorithm, sign: (data) => session.sign(id, algorithm, data) }
}

/** A software private key (tests, the lab). Mimics a token: ECDSA comes back as r||s. */
export function softwareSigner(privateKey: KeyObject): Signer {
  const type = privateKey.asymmetricKeyType
  if (type === 'rsa') {
    return { algorithm: 'RSA-PKCS-SHA256', sign: async (data) => cryptoSign('sha256', data, privateKey) }
  }
  if (type === 'ec') {
    return { algorithm: 'ECDSA-SHA256', sign: async (data) => cryptoSign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' }) }
  }
  throw new CmpError('invalid-input', `no CMP signature algorithm for a ${String(type)} key`)
}

/** The SubjectPublicKeyInfo DER of a software key (public or private). */
export function spkiOf(key: KeyObject): Buffer {
  // createPublicKey refuses a KeyObject that is already public.
  return (key.type === 'public' ? key : createPublicKey(key)).export({ type: 'spki', format: 'der' })
}
