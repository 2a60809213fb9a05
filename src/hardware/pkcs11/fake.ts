import { createPrivateKey, generateKeyPairSync, sign as cryptoSign, type KeyObject } from 'node:crypto'
import { UkeyError } from '../../errors.js'
import type {
  KeyAlgorithmSpec, ModuleInfo, PinState, SignMechanism, TokenCertificate, TokenInfo, TokenKeyPair, TokenObjectKind, TokenProvider, TokenSession,
} from './types.js'

/**
 * A token in memory, behind the same interface as the real one, for the states
 * SoftHSM2 cannot produce (shared/notes/softhsm2.md): a PIN counter that reaches
 * its final try and locks, tries left reported, a key pulled out mid-operation,
 * key generation that fails (FAQ 10, error 0124). Keys are software keys.
 */
export interface FakeTokenSpec {
  serial: string
  label?: string
  manufacturer?: string
  model?: string
  pin?: string
  /** Wrong PINs accepted before the token locks; the token reports final-try at 1. */
  triesLeft?: number
  maxTries?: number
  /** Reports tries left (some vendor modules do, via a vendor extension). */
  reportsTries?: boolean
  /** After this many further calls on a session, every call fails as if the key was pulled out. */
  removeAfterCalls?: number
  failKeyGeneration?: boolean
  certificates?: Array<{ id: string; label: string; der: Buffer; privateKeyPem?: string }>
  module?: Partial<ModuleInfo>
}

interface FakeObject {
  id: string
  label: string
  cert?: Buffer
  privateKey?: KeyObject
  publicKey?: KeyObject
  algorithm?: string
  bits?: number | null
}

export class FakeToken {
  objects: FakeObject[] = []
  loggedIn = false
  removed = false
  triesLeft: number
  calls = 0

  constructor(readonly spec: FakeTokenSpec) {
    this.triesLeft = spec.triesLeft ?? spec.maxTries ?? 10
    for (const c of spec.certificates ?? []) {
      const o: FakeObject = { id: c.id, label: c.label, cert: c.der }
      if (c.privateKeyPem) {
        o.privateKey = createPrivateKey(c.privateKeyPem)
        o.algorithm = o.privateKey.asymmetricKeyType === 'rsa' ? 'RSA' : 'EC'
      }
      this.objects.push(o)
    }
  }

  get pinState(): PinState {
    const max = this.spec.maxTries ?? 10
    if (this.triesLeft <= 0) return 'locked'
    if (this.triesLeft === 1) return 'final-try'
    if (this.triesLeft < max) return 'count-low'
    return 'ok'
  }

  info(module: ModuleInfo): TokenInfo {
    return {
      module,
      slotId: '0',
      slotDescription: 'fake slot',
      label: this.spec.label ?? 'fake',
      manufacturer: this.spec.manufacturer ?? 'ukey fake token',
      model: this.spec.model ?? 'fake',
      serial: this.spec.serial,
      loginRequired: true,
      protectedAuthPath: false,
      writeProtected: false,
      pin: this.pinState,
      pinTriesLeft: this.spec.reportsTries ? Math.max(0, this.triesLeft) : null,
    }
  }
}

export class FakeTokenProvider implements TokenProvider {
  readonly module: ModuleInfo
  constructor(readonly tokens: FakeToken[], module: Partial<ModuleInfo> = {}) {
    this.module = { path: 'fake', description: 'fake PKCS#11 module', manufacturer: 'ukey', version: '1.0', cryptokiVersion: '2.40', ...module }
  }

  async listTokens(): Promise<Awaited<ReturnType<TokenProvider['listTokens']>>> {
    return { tokens: this.tokens.filter((t) => !t.removed).map((t) => t.info(this.module)), moduleErrors: [] }
  }

  async open(info: TokenInfo): Promise<TokenSession> {
    const token = this.tokens.find((t) => t.spec.serial === info.serial && !t.removed)
    if (!token) throw new UkeyError('TOKEN_REMOVED')
    return new FakeSession(token, token.info(this.module))
  }

  async close(): Promise<void> {}
}

class FakeSession implements TokenSession {
  constructor(
    private readonly t: FakeToken,
    private readonly opened: TokenInfo,
  ) {}

  /** Read afresh like the real session's after a login attempt: a wrong PIN shows as count-low / final-try. */
  get token(): TokenInfo {
    return { ...this.opened, pin: this.t.pinState, pinTriesLeft: this.opened.pinTriesLeft === null ? null : Math.max(0, this.t.triesLeft) }
  }

  private step(): void {
    if (this.t.removed) throw new UkeyError('TOKEN_REMOVED')
    this.t.calls++
    if (this.t.spec.removeAfterCalls !== undefined && this.t.calls > this.t.spec.removeAfterCalls) {
      this.t.removed = true
      throw new UkeyError('TOKEN_REMOVED')
    }
  }

  async login(pin: string): Promise<void> {
    this.step()
    if (this.t.triesLeft <= 0) throw new UkeyError('PIN_LOCKED')
    if (pin !== (this.t.spec.pin ?? '123456')) {
      this.t.triesLeft--
      if (this.t.triesLeft <= 0) throw new UkeyError('PIN_LOCKED')
      if (this.t.spec.reportsTries) throw new UkeyError('PIN_INCORRECT', { key: 'error.PIN_INCORRECT_TRIES', params: { tries: this.t.triesLeft } })
      throw new UkeyError('PIN_INCORRECT')
    }
    this.t.triesLeft = this.t.spec.maxTries ?? 10
    this.t.loggedIn = true
  }

  async logout(): Promise<void> {
    this.step()
    this.t.loggedIn = false
  }

  async listCertificates(): Promise<TokenCertificate[]> {
    this.step()
    return this.t.objects
      .filter((o) => o.cert)
      .map((o) => ({
        id: o.id,
        label: o.label,
        der: o.cert!,
        hasPrivateKey: this.t.loggedIn ? this.t.objects.some((k) => k.id === o.id && k.privateKey) : null,
      }))
  }

  async listKeyPairs(): Promise<TokenKeyPair[]> {
    this.step()
    return this.t.objects
      .filter((o) => o.privateKey && this.t.loggedIn)
      .map((o) => ({ id: o.id, label: o.label, algorithm: o.algorithm ?? 'RSA', bits: o.bits ?? null, hasPublicKey: true, hasPrivateKey: true }))
  }

  async generateKeyPair(spec: KeyAlgorithmSpec, id: string, label: string): Promise<{ spki: Buffer }> {
    this.step()
    if (!this.t.loggedIn) throw new UkeyError('PIN_REQUIRED')
    if (this.t.spec.failKeyGeneration) throw new UkeyError('PKCS11_DEVICE_ERROR', { params: { detail: 'CKR_DEVICE_ERROR' } })
    const pair =
      spec.algorithm === 'RSA'
        ? generateKeyPairSync('rsa', { modulusLength: spec.bits })
        : generateKeyPairSync('ec', { namedCurve: spec.curve === 'P-256' ? 'prime256v1' : 'secp384r1' })
    this.t.objects.push({ id, label, privateKey: pair.privateKey, publicKey: pair.publicKey, algorithm: spec.algorithm, bits: spec.algorithm === 'RSA' ? spec.bits : 256 })
    return { spki: pair.publicKey.export({ type: 'spki', format: 'der' }) }
  }

  async sign(id: string, mechanism: SignMechanism, data: Buffer): Promise<Buffer> {
    this.step()
    if (!this.t.loggedIn) throw new UkeyError('PIN_REQUIRED')
    const key = this.t.objects.find((o) => o.id === id && o.privateKey)?.privateKey
    if (!key) throw new UkeyError('CERT_WITHOUT_KEY', { params: { id } })
    return mechanism === 'ECDSA-SHA256' ? cryptoSign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }) : cryptoSign('sha256', data, key)
  }

  async storeCertificate(id: string, label: string, der: Buffer): Promise<void> {
    this.step()
    if (!this.t.loggedIn) throw new UkeyError('PIN_REQUIRED')
    this.t.objects.push({ id, label, cert: der })
  }

  async deleteObjects(id: string, kind?: TokenObjectKind): Promise<number> {
    this.step()
    // One fake object may hold a certificate and its keys together: remove the parts asked for, then the empty shells.
    const field = { certificate: 'cert', 'private-key': 'privateKey', 'public-key': 'publicKey' } as const
    let removed = 0
    for (const o of this.t.objects) {
      if (o.id !== id) continue
      for (const f of kind ? [field[kind]] : Object.values(field)) {
        if (o[f]) {
          delete o[f]
          removed++
        }
      }
    }
    this.t.objects = this.t.objects.filter((o) => o.cert || o.privateKey || o.publicKey)
    return removed
  }

  async close(): Promise<void> {}
}
