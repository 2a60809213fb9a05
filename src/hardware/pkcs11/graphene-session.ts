import { createHash } from 'node:crypto'
import type * as G from 'graphene-pk11'
import type * as P from 'pkcs11js'
import { DerError } from '../../cert/der.js'
import { UkeyError } from '../../errors.js'
import { certificateFields } from './cert-fields.js'
import { ckrName, toUkeyError } from './errors.js'
import type { Graphene, LoadedModule, ModuleSession } from './loaded-module.js'
import { curveByName, curveOfParams, ecSpki, modulusBits, rsaSpki } from './spki.js'
import { CKF_TOKEN_PRESENT, tokenInfo } from './token-info.js'
import type { KeyAlgorithmSpec, SignMechanism, TokenCertificate, TokenInfo, TokenKeyPair, TokenSession } from './types.js'

// PKCS#11 2.40 constants (pkcs11t.h). Written out so this file needs pkcs11js only as a type.
const CKA = {
  CLASS: 0x0,
  LABEL: 0x3,
  VALUE: 0x11,
  CERTIFICATE_TYPE: 0x80,
  KEY_TYPE: 0x100,
  ID: 0x102,
  MODULUS: 0x120,
  MODULUS_BITS: 0x121,
  PUBLIC_EXPONENT: 0x122,
  EC_PARAMS: 0x180,
  EC_POINT: 0x181,
} as const
const CKO = { CERTIFICATE: 1, PUBLIC_KEY: 2, PRIVATE_KEY: 3 } as const
const CKK = { RSA: 0, DSA: 1, EC: 3 } as const
const CKC_X_509 = 0
const CKM = {
  RSA_PKCS: 0x1,
  SHA256_RSA_PKCS: 0x40,
  ECDSA: 0x1041,
  ECDSA_SHA256: 0x1044,
} as const
const CKU_USER = 1
const CKS_RO_USER_FUNCTIONS = 1
const CKS_RW_USER_FUNCTIONS = 3

/** DER DigestInfo header for SHA-256 (RFC 8017 9.2 note 1), for modules with raw CKM_RSA_PKCS only. */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex')

/** Largest signature we expect (RSA-8192); pkcs11js slices the buffer to the real length. */
const SIGNATURE_BUFFER = 1024

function idBytes(id: string): Buffer {
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(id)) throw new UkeyError('USAGE', { key: 'usage.badId', params: { id, detail: id } })
  return Buffer.from(id, 'hex')
}

function ulong(b: Buffer): number {
  // CK_ULONG is native-endian, 8 bytes on Linux/macOS and 4 on Windows; the values we read fit in 32 bits.
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
 * A read-write session on one token, over graphene-pk11 (module, slot, session,
 * key generation) and its pkcs11js binding (attribute reads, object search,
 * signing). Every call goes through the module's queue; the slow calls (key
 * generation, signing) run on pkcs11js's worker thread so the event loop keeps
 * spinning (a spinner, a timeout, a Ctrl-C) while an RSA key is made.
 */
export class GrapheneTokenSession implements TokenSession, ModuleSession {
  private info: TokenInfo
  private closed = false
  private mechanisms: Set<number> | undefined
  private readonly lib: P.PKCS11
  private readonly handle: Buffer

  constructor(
    private readonly g: Graphene,
    private readonly mod: LoadedModule,
    private readonly slot: G.Slot,
    private readonly session: G.Session,
    info: TokenInfo,
    private readonly onClose: (s: GrapheneTokenSession) => void,
  ) {
    this.info = info
    this.lib = session.lib
    this.handle = session.handle
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
    const s = this.lib.C_GetSlotInfo(this.slot.handle)
    if (!(s.flags & CKF_TOKEN_PRESENT)) return false
    // Another key put into the same reader is not our key.
    return this.lib.C_GetTokenInfo(this.slot.handle).serialNumber.replace(/\0.*/s, '').trim() === this.info.serial
  }

  private refreshInfo(): void {
    try {
      this.info = tokenInfo(this.info.module, this.slot, this.slot.getToken())
    } catch {
      // Keep the last good reading; the failing call reports what went wrong.
    }
  }

  private loggedIn(): boolean {
    const state = this.lib.C_GetSessionInfo(this.handle).state
    return state === CKS_RO_USER_FUNCTIONS || state === CKS_RW_USER_FUNCTIONS
  }

  private find(template: P.Template): Buffer[] {
    this.lib.C_FindObjectsInit(this.handle, template)
    const out: Buffer[] = []
    try {
      for (;;) {
        const batch = this.lib.C_FindObjects(this.handle, 64)
        if (batch.length === 0) break
        out.push(...batch)
      }
    } finally {
      this.lib.C_FindObjectsFinal(this.handle)
    }
    return out
  }

  private attrs(object: Buffer, types: number[]): Buffer[] {
    return this.lib.C_GetAttributeValue(this.handle, object, types.map((type) => ({ type }))).map((a) => a.value)
  }

  /** One attribute, or null when the object does not have it or will not show it. */
  private optionalAttr(object: Buffer, type: number): Buffer | null {
    try {
      return this.attrs(object, [type])[0] ?? null
    } catch {
      return null
    }
  }

  private mechanismList(): Set<number> {
    this.mechanisms ??= new Set(this.lib.C_GetMechanismList(this.slot.handle))
    return this.mechanisms
  }

  login(pin: string): Promise<void> {
    return this.call('C_Login', () => {
      try {
        // On a reader with a PIN pad the PIN is typed there. pkcs11js cannot pass NULL_PTR: it sends an
        // empty PIN, which the PIN-pad modules we know treat alike. C_Login has no async form in pkcs11js.
        if (this.info.protectedAuthPath && pin === '') this.lib.C_Login(this.handle, CKU_USER)
        else this.lib.C_Login(this.handle, CKU_USER, pin)
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
        this.lib.C_Logout(this.handle)
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
      const g = this.g
      // Every usage attribute is explicit: SoftHSM turns on encrypt/wrap where a template is silent, vendor modules differ.
      const common = { token: true, id: cka, label }
      const pub: G.ITemplate = { ...common, class: CKO.PUBLIC_KEY, private: false, verify: true, encrypt: false, wrap: false }
      const prv: G.ITemplate = {
        ...common, class: CKO.PRIVATE_KEY, private: true, sensitive: true, extractable: false,
        sign: true, decrypt: false, unwrap: false, derive: false,
      }
      let mechanism: G.KeyGenMechanism
      if (spec.algorithm === 'RSA') {
        mechanism = g.KeyGenMechanism.RSA
        Object.assign(pub, { keyType: CKK.RSA, modulusBits: spec.bits, publicExponent: Buffer.from([0x01, 0x00, 0x01]) })
        prv['keyType'] = CKK.RSA
      } else {
        mechanism = g.KeyGenMechanism.EC
        Object.assign(pub, { keyType: CKK.EC, paramsEC: curveByName(spec.curve).params })
        prv['keyType'] = CKK.EC
      }
      // graphene's callback form calls pkcs11js's C_GenerateKeyPair on a worker thread: the synchronous
      // form blocks the event loop for the whole RSA generation (130–800 ms on SoftHSM, seconds on a USB key).
      const keys = await new Promise<G.IKeyPair>((resolve, reject) => {
        this.session.generateKeyPair(mechanism, pub, prv, (err, k) => (err || !k ? reject(err ?? new Error('no key pair returned')) : resolve(k)))
      })
      try {
        if (spec.algorithm === 'RSA') {
          const [n, e] = this.attrs(keys.publicKey.handle, [CKA.MODULUS, CKA.PUBLIC_EXPONENT]) as [Buffer, Buffer]
          return { spki: rsaSpki(n, e) }
        }
        const [params, point] = this.attrs(keys.publicKey.handle, [CKA.EC_PARAMS, CKA.EC_POINT]) as [Buffer, Buffer]
        return { spki: ecSpki(params, point) }
      } catch (e) {
        // A key pair we cannot describe is a key pair nobody can certify: do not leave it behind.
        for (const k of [keys.publicKey, keys.privateKey]) {
          try {
            this.lib.C_DestroyObject(this.handle, k.handle)
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
      this.lib.C_SignInit(this.handle, { mechanism: mech }, key)
      return Buffer.from(await this.lib.C_SignAsync(this.handle, input, Buffer.alloc(SIGNATURE_BUFFER)))
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
      this.session.create({
        class: CKO.CERTIFICATE,
        certType: CKC_X_509,
        token: true,
        private: false,
        id: cka,
        label,
        value: der,
        subject: fields.subject,
        issuer: fields.issuer,
        serial: fields.serial,
      })
    })
  }

  async deleteObjects(id: string): Promise<number> {
    const cka = idBytes(id)
    return this.call('C_DestroyObject', () => {
      const objects = this.find([{ type: CKA.ID, value: cka }])
      for (const h of objects) this.lib.C_DestroyObject(this.handle, h)
      return objects.length
    })
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    try {
      await this.mod.queue.run(() => {
        try {
          this.session.close()
        } catch {
          // A removed token has already forgotten the session.
        }
      })
    } finally {
      this.onClose(this)
    }
  }
}
