import { createRequire } from 'node:module'
import { TAG, readTlv } from './der.js'
import { UkeyError } from '../errors.js'

/** True when the bytes start like a PFX (RFC 7292 4): SEQUENCE { INTEGER 3, ContentInfo, … }. */
export function looksLikePkcs12(buf: Uint8Array): boolean {
  try {
    const pfx = readTlv(buf, 0)
    if (pfx.tag !== TAG.SEQUENCE) return false
    const version = readTlv(buf, pfx.start, pfx.end)
    return version.tag === TAG.INTEGER && version.end - version.start === 1 && buf[version.start] === 3
  } catch {
    return false
  }
}

type Forge = typeof import('node-forge')
type ForgeAsn1 = import('node-forge').asn1.Asn1
let forge: Forge | undefined
function loadForge(): Forge {
  // node-forge is CommonJS and only PKCS#12 needs it: load it on first use.
  forge ??= limitKeyDerivation(createRequire(import.meta.url)('node-forge') as Forge)
  return forge
}

/**
 * The file sets how many rounds each key derivation (MAC key, content and key
 * decryption: RFC 7292 B.2, PBKDF2) runs, and node-forge runs them in plain
 * JavaScript: about 8 µs a round here, so 2,000,000 rounds took 16 s and
 * 2^31 would take hours. Exporters use 2,048 (OpenSSL), 2,000 (Windows) or
 * 10,000 (Java); a count above this is refused before a single round.
 */
export const MAX_KDF_ITERATIONS = 200_000

class IterationLimit extends Error {
  constructor(readonly count: number) {
    super(`key derivation with ${count} iterations`)
  }
}

function limitKeyDerivation(f: Forge): Forge {
  type Kdf = (...args: never[]) => unknown
  const guard = <T extends Kdf>(fn: T, countAt: number): T =>
    function (this: unknown, ...args: Parameters<T>) {
      const count = args[countAt] as unknown as number
      if (!(count <= MAX_KDF_ITERATIONS)) throw new IterationLimit(count)
      return fn.apply(this, args)
    } as T
  // Every path forge takes to a derivation: the MAC (pkcs12.generateKey), PKCS#12 PBE and PBES2.
  const p12 = f.pkcs12 as unknown as { generateKey: Kdf }
  const pbe = (f.pki as unknown as { pbe: { generatePkcs12Key: Kdf } }).pbe
  const pkcs5 = f.pkcs5 as unknown as { pbkdf2: Kdf }
  p12.generateKey = guard(p12.generateKey, 3)
  pbe.generatePkcs12Key = guard(pbe.generatePkcs12Key, 3)
  pkcs5.pbkdf2 = guard(pkcs5.pbkdf2, 2)
  return f
}

export type Pkcs12Result = { ok: true; certificates: Buffer[] } | { ok: false; reason: 'password' }

/**
 * Opens a PFX with the password and returns its certificates' DER. Distinguishes a
 * wrong password (the MAC or the decryption fails) from a damaged file.
 * node-forge covers both OpenSSL 3's default (PBES2/AES, SHA-256 MAC) and the
 * legacy 3DES/RC2 files older bank tools export, which OpenSSL 3 only reads with
 * its legacy provider.
 */
export function openPkcs12(buf: Buffer, password: string, source: string): Pkcs12Result {
  const f = loadForge()
  let asn1
  try {
    asn1 = f.asn1.fromDer(f.util.createBuffer(buf.toString('binary')), true)
  } catch (cause) {
    throw new UkeyError('CERT_CORRUPT', { params: { source, detail: 'PKCS#12 DER' }, cause })
  }
  let p12
  try {
    p12 = f.pkcs12.pkcs12FromAsn1(asn1, true, password)
  } catch (cause) {
    if (cause instanceof IterationLimit) {
      throw new UkeyError('PKCS12_UNSUPPORTED', { params: { source, detail: `${cause.count} key derivation rounds (at most ${MAX_KDF_ITERATIONS})` }, cause })
    }
    const msg = cause instanceof Error ? cause.message : String(cause)
    if (/MAC could not be verified|Invalid password|decrypt/i.test(msg)) return { ok: false, reason: 'password' }
    if (/unsupported|not supported|Unknown/i.test(msg)) {
      throw new UkeyError('PKCS12_UNSUPPORTED', { params: { source, detail: msg.slice(0, 120) }, cause })
    }
    // Anything else is structure forge could not read: a damaged file, whatever the password.
    throw new UkeyError('CERT_CORRUPT', { params: { source, detail: msg.slice(0, 120) }, cause })
  }
  const certificates: Buffer[] = []
  for (const safe of p12.safeContents) {
    for (const bag of safe.safeBags) {
      if (bag.type !== f.pki.oids.certBag) continue
      // forge cannot decode EC or SM2 keys: then it leaves the certificate's ASN.1 in bag.asn1.
      // certificateToAsn1 reuses the parsed TBSCertificate, so the bytes are the original ones.
      const certAsn1 = bag.cert ? f.pki.certificateToAsn1(bag.cert) : (bag as { asn1?: ForgeAsn1 }).asn1
      if (certAsn1) certificates.push(Buffer.from(f.asn1.toDer(certAsn1).getBytes(), 'binary'))
    }
  }
  return { ok: true, certificates }
}

