import type { LibraryHandle } from 'koffi'
import { loadKoffi } from '../../platform/koffi.js'
import { hostAbi, type CryptokiAbi } from './cryptoki-abi.js'
import { CKR } from './cryptoki-constants.js'
import { CryptokiError } from './cryptoki-error.js'
import { cryptokiTypes, type CryptokiTypes, type FunctionName, type KoffiTypeSpec } from './cryptoki-types.js'

// koffi's addon, loaded directly (platform/koffi.ts: a third of the time of koffi's own loader).
const koffi = loadKoffi()

/**
 * A PKCS#11 module called through koffi (prebuilt for every platform Node runs
 * on, so ukey installs without a compiler). Why koffi: a maintained, MIT, C FFI
 * made for exactly this (structs, packing, calling conventions, async calls on a
 * worker thread), shipping its addon per platform as optional packages
 * @koromix/koffi-<os>-<arch> (win32 x64/ia32/arm64, linux x64/arm64/loong64/
 * riscv64, darwin). Pinned to 3.3.4, the version measured under Wine
 * (notes/windows.md); its install script, a cmake rebuild fallback, is denied in
 * package.json's allowScripts: the prebuilt addon loads without it.
 * Only C_GetFunctionList is looked
 * up by name; every other call goes through the CK_FUNCTION_LIST it returns,
 * as PKCS#11 §5.2 prescribes. Integers and structures follow the ABI given
 * (the host's by default; see cryptoki-abi.ts for why it matters on Windows).
 *
 * Handles (slots, sessions, objects) are bigints: CK_ULONG is 64-bit on Linux
 * and some modules use all of it. Every call that does not return CKR_OK throws
 * a CryptokiError. Not thread-safe by design: the module is initialised without
 * locking callbacks, so the caller runs one call at a time (loaded-module.ts).
 */

export type AttributeValue = Buffer | boolean | number | bigint | string
export interface Attribute {
  type: number
  value: AttributeValue
}

export interface CkVersion {
  major: number
  minor: number
}

export interface CkInfo {
  cryptokiVersion: CkVersion
  manufacturerID: string
  /** Reserved in 2.40 (zero); kept whole. */
  flags: bigint
  libraryDescription: string
  libraryVersion: CkVersion
}

export interface CkSlotInfo {
  slotDescription: string
  manufacturerID: string
  flags: number
  hardwareVersion: CkVersion
  firmwareVersion: CkVersion
}

export interface CkTokenInfo {
  label: string
  manufacturerID: string
  model: string
  serialNumber: string
  flags: number
  ulMaxSessionCount: bigint
  ulSessionCount: bigint
  ulMaxRwSessionCount: bigint
  ulRwSessionCount: bigint
  ulMaxPinLen: bigint
  ulMinPinLen: bigint
  ulTotalPublicMemory: bigint
  ulFreePublicMemory: bigint
  ulTotalPrivateMemory: bigint
  ulFreePrivateMemory: bigint
  hardwareVersion: CkVersion
  firmwareVersion: CkVersion
  utcTime: string
}

export interface CkSessionInfo {
  slotID: bigint
  state: number
  flags: number
  ulDeviceError: bigint
}

const typesByAbi = new Map<string, CryptokiTypes>()

function typesFor(abi: CryptokiAbi): CryptokiTypes {
  let t = typesByAbi.get(abi.name)
  if (!t) {
    t = cryptokiTypes(koffi, abi)
    typesByAbi.set(abi.name, t)
  }
  return t
}

type KoffiFunction = ReturnType<LibraryHandle['func']>

/** A CK_ATTRIBUTE array followed by its values, in one buffer (see Cryptoki.template). */
interface Template {
  buf: Buffer
  count: number
  /** Where each attribute's value starts in `buf`. */
  offsets: number[]
}
type Raw = Record<string, unknown>

/** CK_FLAGS as a number: every flag PKCS#11 2.40 defines is in the low 32 bits, which bitwise operators keep exact. */
function ckFlags(v: unknown): number {
  return Number(BigInt.asUintN(32, BigInt(v as number)))
}

/** Blank-padded UTF8CHAR[n] fields (PKCS#11 §3.2) as text; some modules pad with NULs instead. */
function padded(bytes: unknown): string {
  return Buffer.from(bytes as Uint8Array).toString('utf8').replace(/[\s\0]+$/u, '')
}

function version(v: unknown): CkVersion {
  const r = v as { major: number; minor: number }
  return { major: r.major, minor: r.minor }
}

/** The argument types of each function ukey calls, after the CK_RV result (pkcs11f.h). */
function signature(t: CryptokiTypes, name: FunctionName): KoffiTypeSpec[] {
  const { ulong: u, pointer: p } = t
  const outUlong = koffi.out(koffi.pointer(u))
  switch (name) {
    case 'C_Initialize':
    case 'C_Finalize':
      return [p]
    case 'C_GetInfo':
      return [koffi.out(koffi.pointer(t.CK_INFO))]
    case 'C_GetSlotList':
      return ['uint8_t', p, koffi.inout(koffi.pointer(u))]
    case 'C_GetSlotInfo':
      return [u, koffi.out(koffi.pointer(t.CK_SLOT_INFO))]
    case 'C_GetTokenInfo':
      return [u, koffi.out(koffi.pointer(t.CK_TOKEN_INFO))]
    case 'C_GetMechanismList':
      return [u, p, koffi.inout(koffi.pointer(u))]
    case 'C_InitToken':
      return [u, p, u, p]
    case 'C_InitPIN':
      return [u, p, u]
    case 'C_OpenSession':
      return [u, u, p, p, outUlong]
    case 'C_CloseSession':
    case 'C_Logout':
    case 'C_FindObjectsFinal':
      return [u]
    case 'C_GetSessionInfo':
      return [u, koffi.out(koffi.pointer(t.CK_SESSION_INFO))]
    case 'C_Login':
      return [u, u, p, u]
    case 'C_CreateObject':
      return [u, p, u, outUlong]
    case 'C_DestroyObject':
      return [u, u]
    case 'C_GetAttributeValue':
      return [u, u, p, u]
    case 'C_FindObjectsInit':
      return [u, p, u]
    case 'C_FindObjects':
      return [u, p, u, outUlong]
    case 'C_SignInit':
      return [u, koffi.pointer(t.CK_MECHANISM), u]
    case 'C_Sign':
      return [u, p, u, p, koffi.inout(koffi.pointer(u))]
    case 'C_GenerateKeyPair':
      return [u, koffi.pointer(t.CK_MECHANISM), p, u, p, u, outUlong, outUlong]
    default:
      throw new Error(`${name} is not bound`)
  }
}

export class Cryptoki {
  private readonly t: CryptokiTypes
  private readonly functions = new Map<FunctionName, KoffiFunction>()
  /** The function pointers of CK_FUNCTION_LIST, by name (null where the module has none). */
  private readonly list: Record<string, unknown>
  /** The version in CK_FUNCTION_LIST: the Cryptoki version the table is laid out for. */
  readonly functionListVersion: CkVersion

  private constructor(
    readonly path: string,
    private readonly lib: LibraryHandle,
    abi: CryptokiAbi,
  ) {
    this.t = typesFor(abi)
    const getFunctionList = lib.func('__cdecl', 'C_GetFunctionList', this.t.ulong, [koffi.out(koffi.pointer(this.t.pointer))])
    const out: unknown[] = [null]
    const rv = Number(getFunctionList(out))
    if (rv !== CKR.OK) throw new CryptokiError(rv, 'C_GetFunctionList')
    if (!out[0]) throw new CryptokiError(CKR.FUNCTION_NOT_SUPPORTED, 'C_GetFunctionList')
    this.list = koffi.decode(out[0], this.t.CK_FUNCTION_LIST) as Raw
    this.functionListVersion = version(this.list['version'])
  }

  /**
   * Loads the library and reads its function list. Throws koffi's error when the
   * file is not a loadable library (dlopen's / LoadLibrary's reason, without the
   * path) or has no C_GetFunctionList, and a CryptokiError when that call fails.
   */
  static load(path: string, abi: CryptokiAbi = hostAbi()): Cryptoki {
    // Another ABI's layouts are for comparing with C (cryptoki-types.ts); calls need this process's pointers.
    if (abi.pointerBits !== koffi.sizeof('void *') * 8) throw new RangeError(`the ${abi.name} ABI cannot be called from a ${process.arch} process`)
    const lib = koffi.load(path)
    try {
      return new Cryptoki(path, lib, abi)
    } catch (e) {
      lib.unload()
      throw e
    }
  }

  get abi(): CryptokiAbi {
    return this.t.abi
  }

  /** The raw function pointer, for tests that compare the table with the library's exported symbols. */
  functionPointer(name: FunctionName): bigint | null {
    const p = this.list[name]
    return p ? BigInt(p as bigint) : null
  }

  /** The address of an exported symbol, or null. */
  symbol(name: string): bigint | null {
    try {
      return BigInt(this.lib.symbol(name) as bigint)
    } catch {
      return null
    }
  }

  private fn(name: FunctionName): KoffiFunction {
    let f = this.functions.get(name)
    if (!f) {
      const ptr = this.list[name]
      // A NULL entry is how a module says it does not implement a function (several vendor modules do).
      if (!ptr) throw new CryptokiError(CKR.FUNCTION_NOT_SUPPORTED, name)
      f = koffi.decode(ptr, koffi.proto('__cdecl', null, this.t.ulong, signature(this.t, name))) as KoffiFunction
      this.functions.set(name, f)
    }
    return f
  }

  private call(name: FunctionName, ...args: unknown[]): number {
    const rv = Number(this.fn(name)(...args))
    if (rv !== CKR.OK) throw new CryptokiError(rv, name)
    return rv
  }

  /** Runs the call on koffi's worker thread, so a slow token (key generation, signing) does not stall the event loop. */
  private callAsync(name: FunctionName, args: unknown[], tolerate: number[] = []): Promise<number> {
    const f = this.fn(name)
    return new Promise((resolve, reject) => {
      f.async(...args, (err: unknown, result: unknown) => {
        if (err) return reject(err instanceof Error ? err : new Error(String(err)))
        const rv = Number(result)
        if (rv === CKR.OK || tolerate.includes(rv)) resolve(rv)
        else reject(new CryptokiError(rv, name))
      })
    })
  }

  private get ulongSize(): number {
    return this.t.abi.ulongBits / 8
  }

  private decodeUlongs(buf: Buffer, count: number): bigint[] {
    if (count === 0) return []
    // koffi hands back a typed array (BigUint64Array / Uint32Array): copied into plain bigints.
    return Array.from(koffi.decode(buf, this.t.ulong, count) as ArrayLike<number | bigint>, (v) => BigInt(v))
  }

  private encodeValue(v: AttributeValue): Buffer {
    if (Buffer.isBuffer(v)) return v
    if (typeof v === 'boolean') return Buffer.from([v ? 1 : 0]) // CK_BBOOL
    if (typeof v === 'string') return Buffer.from(v, 'utf8') // UTF8CHAR
    const b = Buffer.alloc(this.ulongSize)
    koffi.encode(b, 0, this.t.ulong, v)
    return b
  }

  /**
   * A CK_ATTRIBUTE array and its values in one buffer: pValue points into the
   * same memory, so the one argument koffi passes (and keeps alive for the
   * call, on the worker thread too) holds everything the module reads or
   * writes. A value of `null` is a NULL pValue (ask the length); a number is
   * space to receive that many bytes.
   */
  private template(attrs: ReadonlyArray<{ type: number; value: Buffer | number | null }>): Template {
    const size = koffi.sizeof(this.t.CK_ATTRIBUTE)
    const lengths = attrs.map((a) => (a.value === null ? 0 : typeof a.value === 'number' ? a.value : a.value.length))
    const offsets: number[] = []
    let end = size * Math.max(1, attrs.length)
    for (const len of lengths) {
      offsets.push(end)
      end += Math.ceil(len / 8) * 8
    }
    const buf = Buffer.alloc(end)
    const base = koffi.address(buf)
    attrs.forEach((a, i) => {
      if (Buffer.isBuffer(a.value)) a.value.copy(buf, offsets[i])
      const pValue = a.value === null || lengths[i] === 0 ? null : base + BigInt(offsets[i]!)
      koffi.encode(buf, i * size, this.t.CK_ATTRIBUTE, { type: a.type, pValue, ulValueLen: lengths[i] })
    })
    return { buf, count: attrs.length, offsets }
  }

  private encodeTemplate(attrs: readonly Attribute[]): Template {
    return this.template(attrs.map((a) => ({ type: a.type, value: this.encodeValue(a.value) })))
  }

  /** ulValueLen of each CK_ATTRIBUTE, as the module left it (CK_UNAVAILABLE_INFORMATION is all ones). */
  private attributeLengths(t: Template): bigint[] {
    const size = koffi.sizeof(this.t.CK_ATTRIBUTE)
    const out: bigint[] = []
    for (let i = 0; i < t.count; i++) out.push(BigInt((koffi.decode(t.buf, i * size, this.t.CK_ATTRIBUTE) as Raw)['ulValueLen'] as number))
    return out
  }

  /** C_Initialize with no arguments (no locking callbacks: PKCS#11 §5.4, single-threaded use). Already initialised counts as done. */
  initialize(): void {
    try {
      this.call('C_Initialize', null)
    } catch (e) {
      // Another user of the same library in this process (another binding, a p11-kit proxy) initialised it first.
      if (!(e instanceof CryptokiError && e.code === CKR.CRYPTOKI_ALREADY_INITIALIZED)) throw e
    }
  }

  finalize(): void {
    this.call('C_Finalize', null)
  }

  getInfo(): CkInfo {
    const r: Raw = {}
    this.call('C_GetInfo', r)
    return {
      cryptokiVersion: version(r['cryptokiVersion']),
      manufacturerID: padded(r['manufacturerID']),
      flags: BigInt(r['flags'] as number),
      libraryDescription: padded(r['libraryDescription']),
      libraryVersion: version(r['libraryVersion']),
    }
  }

  /** Slot ids, all or only those with a token; asks again while slots appear between the two calls. */
  getSlotList(tokenPresent: boolean): bigint[] {
    for (;;) {
      const count: unknown[] = [0]
      this.call('C_GetSlotList', tokenPresent ? 1 : 0, null, count)
      const n = Number(count[0])
      if (n === 0) return []
      const buf = Buffer.alloc(n * this.ulongSize)
      count[0] = n
      try {
        this.call('C_GetSlotList', tokenPresent ? 1 : 0, buf, count)
      } catch (e) {
        if (e instanceof CryptokiError && e.code === CKR.BUFFER_TOO_SMALL) continue
        throw e
      }
      return this.decodeUlongs(buf, Number(count[0]))
    }
  }

  getSlotInfo(slot: bigint): CkSlotInfo {
    const r: Raw = {}
    this.call('C_GetSlotInfo', slot, r)
    return {
      slotDescription: padded(r['slotDescription']),
      manufacturerID: padded(r['manufacturerID']),
      flags: ckFlags(r['flags']),
      hardwareVersion: version(r['hardwareVersion']),
      firmwareVersion: version(r['firmwareVersion']),
    }
  }

  getTokenInfo(slot: bigint): CkTokenInfo {
    const r: Raw = {}
    this.call('C_GetTokenInfo', slot, r)
    const n = (k: string): bigint => BigInt(r[k] as number)
    return {
      label: padded(r['label']),
      manufacturerID: padded(r['manufacturerID']),
      model: padded(r['model']),
      serialNumber: padded(r['serialNumber']),
      flags: ckFlags(r['flags']),
      ulMaxSessionCount: n('ulMaxSessionCount'),
      ulSessionCount: n('ulSessionCount'),
      ulMaxRwSessionCount: n('ulMaxRwSessionCount'),
      ulRwSessionCount: n('ulRwSessionCount'),
      ulMaxPinLen: n('ulMaxPinLen'),
      ulMinPinLen: n('ulMinPinLen'),
      ulTotalPublicMemory: n('ulTotalPublicMemory'),
      ulFreePublicMemory: n('ulFreePublicMemory'),
      ulTotalPrivateMemory: n('ulTotalPrivateMemory'),
      ulFreePrivateMemory: n('ulFreePrivateMemory'),
      hardwareVersion: version(r['hardwareVersion']),
      firmwareVersion: version(r['firmwareVersion']),
      utcTime: padded(r['utcTime']),
    }
  }

  getMechanismList(slot: bigint): number[] {
    for (;;) {
      const count: unknown[] = [0]
      this.call('C_GetMechanismList', slot, null, count)
      const n = Number(count[0])
      if (n === 0) return []
      const buf = Buffer.alloc(n * this.ulongSize)
      try {
        this.call('C_GetMechanismList', slot, buf, count)
      } catch (e) {
        if (e instanceof CryptokiError && e.code === CKR.BUFFER_TOO_SMALL) continue
        throw e
      }
      return this.decodeUlongs(buf, Number(count[0])).map(Number)
    }
  }

  /** C_InitToken: the label is blank-padded to 32 bytes (PKCS#11 §5.6). The PIN buffer is the caller's to wipe. */
  initToken(slot: bigint, soPin: Buffer, label: string): void {
    const l = Buffer.alloc(32, ' ')
    const text = Buffer.from(label, 'utf8')
    if (text.length > 32) throw new RangeError('a token label is at most 32 bytes')
    text.copy(l)
    this.call('C_InitToken', slot, soPin, soPin.length, l)
  }

  initPin(session: bigint, pin: Buffer): void {
    this.call('C_InitPIN', session, pin, pin.length)
  }

  openSession(slot: bigint, flags: number): bigint {
    const h: unknown[] = [0]
    this.call('C_OpenSession', slot, flags, null, null, h)
    return BigInt(h[0] as number)
  }

  closeSession(session: bigint): void {
    this.call('C_CloseSession', session)
  }

  getSessionInfo(session: bigint): CkSessionInfo {
    const r: Raw = {}
    this.call('C_GetSessionInfo', session, r)
    return { slotID: BigInt(r['slotID'] as number), state: Number(r['state']), flags: ckFlags(r['flags']), ulDeviceError: BigInt(r['ulDeviceError'] as number) }
  }

  /** `pin` null: NULL_PTR, for a reader with a PIN pad (CKF_PROTECTED_AUTHENTICATION_PATH). The PIN buffer is the caller's to wipe. */
  login(session: bigint, userType: number, pin: Buffer | null): void {
    this.call('C_Login', session, userType, pin && pin.length ? pin : null, pin ? pin.length : 0)
  }

  logout(session: bigint): void {
    this.call('C_Logout', session)
  }

  createObject(session: bigint, attrs: readonly Attribute[]): bigint {
    const t = this.encodeTemplate(attrs)
    const h: unknown[] = [0]
    this.call('C_CreateObject', session, t.buf, t.count, h)
    return BigInt(h[0] as number)
  }

  destroyObject(session: bigint, object: bigint): void {
    this.call('C_DestroyObject', session, object)
  }

  /** The values of `types` (PKCS#11 §5.7: one call for the lengths, one for the bytes). Throws when any is sensitive or absent. */
  getAttributeValue(session: bigint, object: bigint, types: readonly number[]): Buffer[] {
    const sizing = this.template(types.map((type) => ({ type, value: null })))
    this.call('C_GetAttributeValue', session, object, sizing.buf, sizing.count)
    const lengths = this.attributeLengths(sizing)
    const t = this.template(types.map((type, i) => ({ type, value: Number(lengths[i]) })))
    this.call('C_GetAttributeValue', session, object, t.buf, t.count)
    const got = this.attributeLengths(t)
    return got.map((len, i) => {
      // A module may shorten a value between the two calls, never lengthen it (that would be CKR_BUFFER_TOO_SMALL).
      const at = t.offsets[i]!
      return Buffer.from(t.buf.subarray(at, at + Math.min(Number(len), Number(lengths[i]))))
    })
  }

  findObjectsInit(session: bigint, attrs: readonly Attribute[]): void {
    const t = this.encodeTemplate(attrs)
    this.call('C_FindObjectsInit', session, t.buf, t.count)
  }

  findObjects(session: bigint, max: number): bigint[] {
    const buf = Buffer.alloc(max * this.ulongSize)
    const count: unknown[] = [0]
    this.call('C_FindObjects', session, buf, max, count)
    return this.decodeUlongs(buf, Number(count[0]))
  }

  findObjectsFinal(session: bigint): void {
    this.call('C_FindObjectsFinal', session)
  }

  signInit(session: bigint, mechanism: number, key: bigint): void {
    this.call('C_SignInit', session, { mechanism, pParameter: null, ulParameterLen: 0 }, key)
  }

  /** C_Sign on a worker thread; a buffer too small (RSA beyond 8192 bits) is retried at the size the module asks for. */
  async sign(session: bigint, data: Buffer, expected = 1024): Promise<Buffer> {
    for (let size = expected; ; ) {
      const sig = Buffer.alloc(size)
      const len: unknown[] = [size]
      const rv = await this.callAsync('C_Sign', [session, data, data.length, sig, len], [CKR.BUFFER_TOO_SMALL])
      const got = Number(len[0])
      if (rv === CKR.OK) return Buffer.from(sig.subarray(0, got))
      if (got <= size) throw new CryptokiError(rv, 'C_Sign')
      size = got
    }
  }

  /** C_GenerateKeyPair on a worker thread: RSA generation takes 0.1–1 s on SoftHSM and seconds on a USB key. */
  async generateKeyPair(session: bigint, mechanism: number, publicKey: readonly Attribute[], privateKey: readonly Attribute[]): Promise<{ publicKey: bigint; privateKey: bigint }> {
    const pub = this.encodeTemplate(publicKey)
    const prv = this.encodeTemplate(privateKey)
    const hPub: unknown[] = [0]
    const hPrv: unknown[] = [0]
    await this.callAsync('C_GenerateKeyPair', [session, { mechanism, pParameter: null, ulParameterLen: 0 }, pub.buf, pub.count, prv.buf, prv.count, hPub, hPrv])
    return { publicKey: BigInt(hPub[0] as number), privateKey: BigInt(hPrv[0] as number) }
  }

  /** Unmaps the library. Only for libraries nobody initialised: vendor code unloaded while in use is where crashes live. */
  unload(): void {
    this.lib.unload()
  }
}
