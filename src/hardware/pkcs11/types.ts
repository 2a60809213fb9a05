/**
 * The one interface ukey uses for a token (a USB key seen through its vendor's
 * PKCS#11 module). Two implementations: the real one over ukey's koffi binding (cryptoki.ts)
 * (SoftHSM2 in tests and the lab, vendor modules in branches), and a fake for
 * what no real component here can show (final PIN try, locked PIN, key pulled
 * out mid-operation). Nothing here prints or prompts; failures are UkeyErrors.
 */

export interface ModuleInfo {
  /** The library file as loaded. */
  path: string
  description: string
  manufacturer: string
  /** Library version, "major.minor". */
  version: string
  /** Cryptoki version the module implements, "major.minor". */
  cryptokiVersion: string
}

/**
 * PIN state from the token flags (PKCS#11 CKF_USER_PIN_*): `count-low` after a
 * wrong PIN, `final-try` when one more wrong PIN locks the key, `locked` when it is.
 */
export type PinState = 'ok' | 'count-low' | 'final-try' | 'locked' | 'not-initialized' | 'to-be-changed'

export interface TokenInfo {
  module: ModuleInfo
  /** Slot id as a decimal string (ids can exceed 2^53 on some modules). */
  slotId: string
  slotDescription: string
  label: string
  manufacturer: string
  model: string
  serial: string
  /** The token needs a PIN before private objects can be used. */
  loginRequired: boolean
  /** A PIN pad on the reader: the PIN is entered there, never sent by us. */
  protectedAuthPath: boolean
  writeProtected: boolean
  pin: PinState
  /** Tries left when the module reports them (a vendor extension; null when unknown). */
  pinTriesLeft: number | null
}

export type KeyAlgorithmSpec = { algorithm: 'RSA'; bits: 2048 | 3072 | 4096 } | { algorithm: 'EC'; curve: 'P-256' | 'P-384' }

export interface TokenCertificate {
  /** CKA_ID, lower-case hex: links a certificate to its key pair. */
  id: string
  label: string
  der: Buffer
  /** A private key with the same CKA_ID is on the token (visible only after login on most tokens). */
  hasPrivateKey: boolean | null
}

export interface TokenKeyPair {
  id: string
  label: string
  algorithm: 'RSA' | 'EC' | string
  /** RSA modulus bits or EC field size. */
  bits: number | null
  hasPublicKey: boolean
  hasPrivateKey: boolean
}

/** The three objects of a credential on a token, for removing them one at a time in a chosen order. */
export type TokenObjectKind = 'certificate' | 'private-key' | 'public-key'

export type SignMechanism = 'RSA-PKCS-SHA256' | 'ECDSA-SHA256'

/** An open session on one token. `close` always; a removed token makes every call fail with TOKEN_REMOVED. */
export interface TokenSession {
  readonly token: TokenInfo
  login(pin: string): Promise<void>
  logout(): Promise<void>
  listCertificates(): Promise<TokenCertificate[]>
  listKeyPairs(): Promise<TokenKeyPair[]>
  /**
   * Generates a key pair on the token with complete, explicit templates: token,
   * private, sensitive, non-extractable private key; one CKA_ID on both halves.
   * Returns the public key as SubjectPublicKeyInfo DER.
   */
  generateKeyPair(spec: KeyAlgorithmSpec, id: string, label: string): Promise<{ spki: Buffer }>
  /** Signs `data` (the hash is computed on the token for these mechanisms). ECDSA returns r||s (PKCS#11 format). */
  sign(id: string, mechanism: SignMechanism, data: Buffer): Promise<Buffer>
  storeCertificate(id: string, label: string, der: Buffer): Promise<void>
  /** Deletes the objects with this CKA_ID — every one, or only those of `kind` — and returns how many. */
  deleteObjects(id: string, kind?: TokenObjectKind): Promise<number>
  close(): Promise<void>
}

export interface TokenSelector {
  serial?: string
  label?: string
}

/** Every module ukey was pointed at or found, and the tokens they show. */
export interface TokenProvider {
  /** Loads (once) and lists initialised tokens; a module that fails to load is reported, not thrown. */
  listTokens(): Promise<{ tokens: TokenInfo[]; moduleErrors: Array<{ path: string; error: import('../../errors.js').UkeyError }> }>
  open(token: TokenInfo): Promise<TokenSession>
  /** Finalizes every module. */
  close(): Promise<void>
}
