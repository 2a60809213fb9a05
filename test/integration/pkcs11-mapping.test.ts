import { createPublicKey, generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { UkeyError } from '../../src/errors.js'
import { CKR_NAMES } from '../../src/hardware/pkcs11/cryptoki-constants.js'
import { CryptokiError } from '../../src/hardware/pkcs11/cryptoki-error.js'
import { toUkeyError } from '../../src/hardware/pkcs11/errors.js'
import { ecSpki, modulusBits, rsaSpki } from '../../src/hardware/pkcs11/spki.js'
import { pinState } from '../../src/hardware/pkcs11/token-info.js'

// What SoftHSM cannot produce (a pulled-out key, vendor return values), checked on the mapping
// itself with the errors the binding really throws (a CK_RV number; the name comes from pkcs11t.h's table).
const RV_BY_NAME = new Map([...CKR_NAMES].map(([rv, name]) => [name, rv]))
const ckr = (name: string): Error => new CryptokiError(RV_BY_NAME.get(name) ?? 0x80000123, 'C_Test')

describe('PKCS#11 return values → UkeyError', () => {
  it.each([
    ['CKR_PIN_INCORRECT', 'PIN_INCORRECT'],
    ['CKR_PIN_LEN_RANGE', 'PIN_INCORRECT'],
    ['CKR_PIN_LOCKED', 'PIN_LOCKED'],
    ['CKR_DEVICE_REMOVED', 'TOKEN_REMOVED'],
    ['CKR_TOKEN_NOT_PRESENT', 'TOKEN_REMOVED'],
    ['CKR_FUNCTION_NOT_SUPPORTED', 'PKCS11_FUNCTION_NOT_SUPPORTED'],
    ['CKR_MECHANISM_INVALID', 'PKCS11_FUNCTION_NOT_SUPPORTED'],
    ['CKR_DEVICE_ERROR', 'PKCS11_DEVICE_ERROR'],
    ['CKR_DEVICE_MEMORY', 'PKCS11_DEVICE_ERROR'],
    ['CKR_USER_NOT_LOGGED_IN', 'PIN_REQUIRED'],
    ['CKR_GENERAL_ERROR', 'PKCS11_DEVICE_ERROR'],
  ])('%s → %s', (name, code) => {
    const e = ckr(name)
    expect(e.message).toBe(name)
    expect(toUkeyError(e).code).toBe(code)
  })

  it('names the return value in the detail, and a vendor code by its number', () => {
    expect(toUkeyError(ckr('CKR_KEY_TYPE_INCONSISTENT')).params).toEqual({ detail: 'CKR_KEY_TYPE_INCONSISTENT' })
    expect(toUkeyError(ckr('CKR_VENDOR_DEFINED')).params).toEqual({ detail: 'CKR_VENDOR_DEFINED 0x80000123' })
    expect(toUkeyError(ckr('CKR_MECHANISM_INVALID'), { operation: 'CKM_ECDSA_SHA256' }).params).toEqual({ detail: 'CKM_ECDSA_SHA256 (CKR_MECHANISM_INVALID)' })
    expect(toUkeyError(ckr('CKR_PIN_INCORRECT')).params).toEqual({ tries: '' })
  })

  it('an invalid session handle is a removal when the token is gone, a device error when it is still there', () => {
    for (const name of ['CKR_SESSION_HANDLE_INVALID', 'CKR_SESSION_CLOSED']) {
      expect(toUkeyError(ckr(name), { tokenPresent: () => false }).code).toBe('TOKEN_REMOVED')
      expect(toUkeyError(ckr(name), { tokenPresent: () => true }).code).toBe('PKCS11_DEVICE_ERROR')
      // Asking the slot fails too: the reader went with the key.
      expect(toUkeyError(ckr(name), { tokenPresent: () => { throw ckr('CKR_SLOT_ID_INVALID') } }).code).toBe('TOKEN_REMOVED')
    }
  })

  it('passes UkeyErrors through and wraps anything else', () => {
    const own = new UkeyError('CERT_WITHOUT_KEY', { params: { id: '01' } })
    expect(toUkeyError(own)).toBe(own)
    const bug = toUkeyError(new TypeError('Argument 1 has wrong type'))
    expect([bug.code, bug.params]).toEqual(['INTERNAL', { detail: 'Argument 1 has wrong type' }])
    expect(toUkeyError(new Error('Failed to load shared library: invalid ELF header')).code).toBe('PKCS11_DEVICE_ERROR')
  })
})

describe('token flags', () => {
  const INIT = 0x400 | 0x8 | 0x4
  it.each([
    [INIT, 'ok'],
    [INIT | 0x10000, 'count-low'],
    [INIT | 0x10000 | 0x20000, 'final-try'],
    [INIT | 0x40000 | 0x10000, 'locked'],
    [INIT | 0x80000, 'to-be-changed'],
    [0x400 | 0x4, 'not-initialized'],
  ])('flags 0x%s → %s', (flags, state) => {
    expect(pinState(flags)).toBe(state)
  })
})

describe('public keys from PKCS#11 attributes', () => {
  it('builds an EC SubjectPublicKeyInfo from a DER-wrapped or a bare CKA_EC_POINT', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' })
    const jwk = publicKey.export({ format: 'jwk' })
    const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')])
    const params = Buffer.from('06052b81040022', 'hex')
    const expected = publicKey.export({ type: 'spki', format: 'der' })
    expect(ecSpki(params, Buffer.concat([Buffer.from([0x04, point.length]), point]))).toEqual(expected)
    expect(ecSpki(params, point)).toEqual(expected)
    expect(() => ecSpki(params, point.subarray(1))).toThrow(UkeyError)
    // SM2 keys exist on bank tokens, but node:crypto cannot describe them as JWK.
    expect(() => ecSpki(Buffer.from('06082a811ccf5501822d', 'hex'), point)).toThrow(/SM2/)
  })

  it('builds an RSA SubjectPublicKeyInfo and counts modulus bits', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 })
    const jwk = publicKey.export({ format: 'jwk' })
    const n = Buffer.concat([Buffer.from([0]), Buffer.from(jwk.n!, 'base64url')])
    const spki = rsaSpki(n, Buffer.from(jwk.e!, 'base64url'))
    expect(createPublicKey({ key: spki, format: 'der', type: 'spki' }).export({ format: 'jwk' })).toEqual(jwk)
    expect(modulusBits(n)).toBe(1024)
  })
})
