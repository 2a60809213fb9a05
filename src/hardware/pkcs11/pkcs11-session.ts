import { createHash } from 'node:crypto'
import { DerError } from '../../cert/der.js'
import { UkeyError } from '../../errors.js'
import { certificateFields } from './cert-fields.js'
import type { Attribute, Cryptoki } from './cryptoki.js'
import { CKA, CKC_X_509, CKF_TOKEN_PRESENT, CKK, CKM, CKO, CKS, CKU } from './cryptoki-constants.js'
import { ckrName, toUkeyError } from './errors.js'
import type { LoadedModule, ModuleSession } from './loaded-module.js'
import { curveByName, curveOfParams, ecSpki, modulusBits, rsaSpki } from './spki.js'
import { tokenInfo } from './token-info.js'
import type { KeyAlgorithmSpec, SignMechanism, TokenCertificate, TokenInfo, TokenKeyPair, TokenObjectKind, TokenSession } from './types.js'

/** DER DigestInfo header for SHA-256 (RFC 8017 9.2 note 1), for modules with raw CKM_RSA_PKCS only. */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex')

function idBytes(id: string): Buffer {
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(id)) throw new UkeyError('USAGE', { key: 'usage.badId', params: { id, detail: id } })
  return Buffer.from(id, 'hex')
}

function ulong(b: Buffer): number {
  // A CK_ULONG attribute: native-endian (little-endian on every platform koffi ships for), 8 bytes on
  // Linux/macOS and 4 on Windows; the values we read (class, key type, bits) fit in 32 bits.
  return b.readUInt32LE(0)
}

function keyAlgorithm(keyType: number, params: Buffer | null): string {
  if (keyType === CKK.RSA) return 'RSA'
  if (keyType === CKK.EC) return params && curveOfParams(params)?.name === 'SM2' ? 'SM2' : 'EC'
  if (keyType === CKK.DSA) return 'DSA'
  // Chinese vendor modules give SM2 keys vendor-defined key types.
  return `CKK 0x${keyType.toString(16)}`
}

/**
 * A read-write session on one token, over ukey's PKCS#11 binding. Every call
 * goes through the module's queue; the slow calls (key generation, signing)
 * run on koffi's worker thread so the event loop keeps spinning (a spinner, a
 * timeout, a Ctrl-C) while an RSA key is made.
 */
export class Pkcs11TokenSession implements TokenSession, ModuleSession {
  private info: TokenInfo
  private closed = false
  private mechanisms: Set<number> | undefined
  private readonly ck: Cryptoki

  constructor(
    private readonly mod: LoadedModule,
    private readonly slot: bigint,
    private readonly handle: bigint,
    info: TokenInfo,
    private readonly onClose: (s: Pkcs11TokenSession) => void,
  ) {
    this.info = info
    this.ck = mod.module
  }

  /** The token as last read: refreshed after each login attempt, so a wrong PIN shows its count-low / locked state. */
  get token(): TokenInfo {
    return this.info
  }

  /** Runs `fn` in the module's queue and maps whatever it throws, while the module is still ours to ask (removal check). */
  private call<T>(operation: string, fn: () => T | Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new UkeyError('INTERNAL', { params: { detail: 'PKCS#11 session used after close' } }))
    return this.mod.queue.run(async () => {
      try {
        return await fn()
      } catch (e) {
        throw toUkeyError(e, { operation, tokenPresent: () => this.tokenPresent() })
      }
    })
  }

  private tokenPresent(): boolean {
    if (!(this.ck.getSlotInfo(this.slot).flags & CKF_TOKEN_PRESENT)) return false
    // Another key put into the same reader is not our key.
    return this.ck.getTokenInfo(this.slot).serialNumber.replace(/\0.*/s, '').trim() === this.info.serial
  }

  private refreshInfo(): void {
    try {
      this.info = tokenInfo(this.info.module, this.slot, this.ck.getSlotInfo(this.slot), this.ck.getTokenInfo(this.slot))
    } catch {
      // Keep the last good reading; the failing call reports what went wrong.
    }
  }

  private loggedIn(): boolean {
    const state = this.ck.getSessionInfo(this.handle).state
    return state === CKS.RO_USER || state === CKS.RW_USER
  }

  private find(template: Attribute[]): bigint[] {
    this.ck.findObjectsInit(this.handle, template)
    const out: bigint[] = []
    try {
      for (;;) {
        const batch = this.ck.findObjects(this.handle, 64)
        if (batch.length === 0) break
        out.push(...batch)
      }
    } finally {
      this.ck.findObjectsFinal(this.handle)
    }
    return out
  }

  private attrs(object: bigint, types: number[]): Buffer[] {
    return this.ck.getAttributeValue(this.handle, object, types)
  }

  /** One attribute, or null when the object does not have it or will not show it. */
  private optionalAttr(object: bigint, type: number): Buffer | null {
    try {
      return this.attrs(object, [type])[0] ?? null
    } catch {
      return null
    }
  }

  private mechanismList(): Set<number> {
    this.mechanisms ??= new Set(this.ck.getMechanismList(this.slot))
    return this.mechanisms
  }

  login(pin: string): Promise<void> {
    return this.call('C_Login', () => {
      try {
        // On a reader with a PIN pad the PIN is typed there: NULL_PTR, as PKCS#11 §5.6 asks.
        if (this.info.protectedAuthPath && pin === '') this.ck.login(this.handle, CKU.USER, null)
        else {
          const bytes = Buffer.from(pin, 'utf8')
          try {
            this.ck.login(this.handle, CKU.USER, bytes)
          } finally {
            bytes.fill(0) // no copy of the PIN left in memory we own
          }
        }
      } catch (e) {
        // Login state is per application, not per session: another session of ours may have logged in.
        if (ckrName(e) === 'CKR_USER_ALREADY_LOGGED_IN') return
        this.refreshInfo()
        // The wrong PIN that used up the last try: say "locked", which is what the user must act on.
        if (ckrName(e) === 'CKR_PIN_INCORRECT' && this.info.pin === 'locked') throw new UkeyError('PIN_LOCKED', { cause: e })
        throw e
      }
      this.refreshInfo()
    })
  }

  logout(): Promise<void> {
    return this.call('C_Logout', () => {
      try {
        this.ck.logout(this.handle)
      } catch (e) {
        if (ckrName(e) !== 'CKR_USER_NOT_LOGGED_IN') throw e
      }
    })
  }

  listCertificates(): Promise<TokenCertificate[]> {
    return this.call('C_FindObjects', () => {
      const keyIds = new Set(this.find([{ type: CKA.CLASS, value: CKO.PRIVATE_KEY }]).map((h) => this.attrs(h, [CKA.ID])[0]!.toString('hex')))
      // Private objects are hidden before login on tokens that need one: "no key seen" then means "unknown".
      const keysVisible = !this.info.loginRequired || this.loggedIn()
      const out: TokenCertificate[] = []
      for (const h of this.find([{ type: CKA.CLASS, value: CKO.CERTIFICATE }])) {
        const [type, id, label, der] = this.attrs(h, [CKA.CERTIFICATE_TYPE, CKA.ID, CKA.LABEL, CKA.VALUE]) as [Buffer, Buffer, Buffer, Buffer]
        if (ulong(type) !== CKC_X_509) continue
        const idHex = id.toString('hex')
        out.push({ id: idHex, label: label.toString('utf8'), der: Buffer.from(der), hasPrivateKey: keyIds.has(idHex) ? true : keysVisible ? false : null })
      }
      return out
    })
  }

  listKeyPairs(): Promise<TokenKeyPair[]> {
    return this.call('C_FindObjects', () => {
      const byId = new Map<string, TokenKeyPair>()
      for (const cls of [CKO.PRIVATE_KEY, CKO.PUBLIC_KEY]) {
        for (const h of this.find([{ type: CKA.CLASS, value: cls }])) {
          const [id, label, keyType] = this.attrs(h, [CKA.ID, CKA.LABEL, CKA.KEY_TYPE]) as [Buffer, Buffer, Buffer]
          const idHex = id.toString('hex')
          const kt = ulong(keyType)
          const params = kt === CKK.RSA ? null : this.optionalAttr(h, CKA.EC_PARAMS)
          let pair = byId.get(idHex)
          if (!pair) {
            pair = { id: idHex, label: '', algorithm: keyAlgorithm(kt, params), bits: null, hasPublicKey: false, hasPrivateKey: false }
            byId.set(idHex, pair)
          }
          if (cls === CKO.PRIVATE_KEY) pair.hasPrivateKey = true
          else pair.hasPublicKey = true
          pair.label ||= label.toString('utf8')
          if (pair.bits === null) {
            if (kt === CKK.RSA) {
              const mb = cls === CKO.PUBLIC_KEY ? this.optionalAttr(h, CKA.MODULUS_BITS) : null
              const m = mb ? null : this.optionalAttr(h, CKA.MODULUS)
              pair.bits = mb ? ulong(mb) : m ? modulusBits(m) : null
            } else if (params) pair.bits = curveOfParams(params)?.bits ?? null
          }
        }
      }
      return [...byId.values()]
    })
  }

  async generateKeyPair(spec: KeyAlgorithmSpec, id: string, label: string): Promise<{ spki: Buffer }> {
    const cka = idBytes(id)
    return this.call('C_GenerateKeyPair', async () => {
      // Two key pairs under one CKA_ID make "the key of this certificate" ambiguous (for us and for the bank's middleware).
      if (this.find([{ type: CKA.ID, value: cka }]).length > 0) {
        throw new UkeyError('USAGE', { key: 'usage.idInUse', params: { id, detail: id } })
      }
      // Every usage attribute is explicit: SoftHSM turns on encrypt/wrap where a template is silent, vendor modules differ.
      const common: Attribute[] = [
        { type: CKA.TOKEN, value: true },
        { type: CKA.ID, value: cka },
        { type: CKA.LABEL, value: label },
      ]
      const pub: Attribute[] = [
        ...common,
        { type: CKA.CLASS, value: CKO.PUBLIC_KEY },
        { type: CKA.PRIVATE, value: false },
        { type: CKA.VERIFY, value: true },
        { type: CKA.ENCRYPT, value: false },
        { type: CKA.WRAP, value: false },
      ]
      const prv: Attribute[] = [
        ...common,
        { type: CKA.CLASS, value: CKO.PRIVATE_KEY },
        { type: CKA.PRIVATE, value: true },
        { type: CKA.SENSITIVE, value: true },
        { type: CKA.EXTRACTABLE, value: false },
        { type: CKA.SIGN, value: true },
        { type: CKA.DECRYPT, value: false },
        { type: CKA.UNWRAP, value: false },
        { type: CKA.DERIVE, value: false },
      ]
      let mechanism: number
      if (spec.algorithm === 'RSA') {
        mechanism = CKM.RSA_PKCS_KEY_PAIR_GEN
        pub.push(
          { type: CKA.KEY_TYPE, value: CKK.RSA },
          { type: CKA.MODULUS_BITS, value: spec.bits },
          { type: CKA.PUBLIC_EXPONENT, value: Buffer.from([0x01, 0x00, 0x01]) },
        )
        prv.push({ type: CKA.KEY_TYPE, value: CKK.RSA })
      } else {
        mechanism = CKM.EC_KEY_PAIR_GEN
        pub.push({ type: CKA.KEY_TYPE, value: CKK.EC }, { type: CKA.EC_PARAMS, value: curveByName(spec.curve).params })
        prv.push({ type: CKA.KEY_TYPE, value: CKK.EC })
      }
      // On koffi's worker thread: the synchronous call would block the event loop for the whole RSA
      // generation (130–800 ms on SoftHSM, seconds on a USB key).
      const keys = await this.ck.generateKeyPair(this.handle, mechanism, pub, prv)
      try {
        if (spec.algorithm === 'RSA') {
          const [n, e] = this.attrs(keys.publicKey, [CKA.MODULUS, CKA.PUBLIC_EXPONENT]) as [Buffer, Buffer]
          return { spki: rsaSpki(n, e) }
        }
        const [params, point] = this.attrs(keys.publicKey, [CKA.EC_PARAMS, CKA.EC_POINT]) as [Buffer, Buffer]
        return { spki: ecSpki(params, point) }
      } catch (e) {
        // A key pair we cannot describe is a key pair nobody can certify: do not leave it behind.
        for (const k of [keys.publicKey, keys.privateKey]) {
          try {
            this.ck.destroyObject(this.handle, k)
          } catch {
            // best effort
          }
        }
        throw e
      }
    })
  }

  async sign(id: string, mechanism: SignMechanism, data: Buffer): Promise<Buffer> {
    const cka = idBytes(id)
    return this.call(mechanism === 'ECDSA-SHA256' ? 'CKM_ECDSA_SHA256' : 'CKM_SHA256_RSA_PKCS', async () => {
      const key = this.find([{ type: CKA.CLASS, value: CKO.PRIVATE_KEY }, { type: CKA.ID, value: cka }])[0]
      if (!key) {
        if (this.info.loginRequired && !this.loggedIn()) throw new UkeyError('PIN_REQUIRED')
        throw new UkeyError('CERT_WITHOUT_KEY', { params: { id } })
      }
      const mechs = this.mechanismList()
      let mech: number
      let input: Buffer
      const sha256 = (): Buffer => createHash('sha256').update(data).digest()
      // Hash on the token when it can; otherwise hash here and let the token do the private-key step
      // (SoftHSM 2.6 has CKM_ECDSA but no CKM_ECDSA_SHA256; many USB keys have only raw CKM_RSA_PKCS).
      if (mechanism === 'ECDSA-SHA256') {
        if (mechs.has(CKM.ECDSA_SHA256)) [mech, input] = [CKM.ECDSA_SHA256, data]
        else if (mechs.has(CKM.ECDSA)) [mech, input] = [CKM.ECDSA, sha256()]
        else throw new UkeyError('PKCS11_FUNCTION_NOT_SUPPORTED', { params: { detail: 'CKM_ECDSA_SHA256' } })
      } else {
        if (mechs.has(CKM.SHA256_RSA_PKCS)) [mech, input] = [CKM.SHA256_RSA_PKCS, data]
        else if (mechs.has(CKM.RSA_PKCS)) [mech, input] = [CKM.RSA_PKCS, Buffer.concat([SHA256_DIGEST_INFO, sha256()])]
        else throw new UkeyError('PKCS11_FUNCTION_NOT_SUPPORTED', { params: { detail: 'CKM_SHA256_RSA_PKCS' } })
      }
      this.ck.signInit(this.handle, mech, key)
      return this.ck.sign(this.handle, input)
    })
  }

  async storeCertificate(id: string, label: string, der: Buffer): Promise<void> {
    const cka = idBytes(id)
    let fields: ReturnType<typeof certificateFields>
    try {
      fields = certificateFields(der)
    } catch (e) {
      if (!(e instanceof DerError)) throw e
      throw new UkeyError(e.reason === 'truncated' ? 'CERT_TRUNCATED' : 'CERT_CORRUPT', { params: { source: label, detail: e.message }, cause: e })
    }
    return this.call('C_CreateObject', () => {
      this.ck.createObject(this.handle, [
        { type: CKA.CLASS, value: CKO.CERTIFICATE },
        { type: CKA.CERTIFICATE_TYPE, value: CKC_X_509 },
        { type: CKA.TOKEN, value: true },
        { type: CKA.PRIVATE, value: false },
        { type: CKA.ID, value: cka },
        { type: CKA.LABEL, value: label },
        { type: CKA.VALUE, value: der },
        { type: CKA.SUBJECT, value: fields.subject },
        { type: CKA.ISSUER, value: fields.issuer },
        { type: CKA.SERIAL_NUMBER, value: fields.serial },
      ])
    })
  }

  async deleteObjects(id: string, kind?: TokenObjectKind): Promise<number> {
    const cka = idBytes(id)
    const cls = kind === 'certificate' ? CKO.CERTIFICATE : kind === 'private-key' ? CKO.PRIVATE_KEY : kind === 'public-key' ? CKO.PUBLIC_KEY : undefined
    return this.call('C_DestroyObject', () => {
      const objects = this.find([{ type: CKA.ID, value: cka }, ...(cls === undefined ? [] : [{ type: CKA.CLASS, value: cls }])])
      for (const h of objects) this.ck.destroyObject(this.handle, h)
      return objects.length
    })
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    try {
      await this.mod.queue.run(() => {
        try {
          this.ck.closeSession(this.handle)
        } catch {
          // A removed token has already forgotten the session.
        }
      })
    } finally {
      this.onClose(this)
    }
  }
}
