// The binding's own edges on SoftHSM2, below the provider: the two-call protocols of PKCS#11
// (§5.2: ask the length, then fetch) and the return values the provider relies on.
import { createPublicKey, verify } from 'node:crypto'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { Cryptoki } from '../../src/hardware/pkcs11/cryptoki.js'
import { CKA, CKF_RW_SESSION, CKF_SERIAL_SESSION, CKK, CKM, CKU } from '../../src/hardware/pkcs11/cryptoki-constants.js'
import { CryptokiError } from '../../src/hardware/pkcs11/cryptoki-error.js'
import { rsaSpki } from '../../src/hardware/pkcs11/spki.js'
import { SOFTHSM_MODULE, SoftHsmStore, USER_PIN } from '../helpers/softhsm.js'

let store: SoftHsmStore
let ck: Cryptoki
let session: bigint

beforeEach(() => {
  store = SoftHsmStore.create()
  store.activate()
  store.initToken({ label: 'binding' })
  ck = Cryptoki.load(SOFTHSM_MODULE)
  ck.initialize()
  const slot = ck.getSlotList(true).find((s) => ck.getTokenInfo(s).label === 'binding')!
  session = ck.openSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION)
  ck.login(session, CKU.USER, Buffer.from(USER_PIN))
})

afterEach(() => {
  ck.finalize()
  store.remove()
})

it('a signature longer than the buffer offered: C_Sign is asked again at the size the module names', async () => {
  const keys = await ck.generateKeyPair(
    session,
    CKM.RSA_PKCS_KEY_PAIR_GEN,
    [
      { type: CKA.TOKEN, value: false },
      { type: CKA.KEY_TYPE, value: CKK.RSA },
      { type: CKA.MODULUS_BITS, value: 1024 },
      { type: CKA.PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
      { type: CKA.VERIFY, value: true },
    ],
    [
      { type: CKA.TOKEN, value: false },
      { type: CKA.SIGN, value: true },
    ],
  )
  const [n, e] = ck.getAttributeValue(session, keys.publicKey, [CKA.MODULUS, CKA.PUBLIC_EXPONENT]) as [Buffer, Buffer]
  expect(n).toHaveLength(128)
  ck.signInit(session, CKM.SHA256_RSA_PKCS, keys.privateKey)
  // 16 bytes offered for a 128-byte signature: CKR_BUFFER_TOO_SMALL, then the retry.
  const sig = await ck.sign(session, Buffer.from('renewal'), 16)
  expect(sig).toHaveLength(128)
  expect(verify('sha256', Buffer.from('renewal'), createPublicKey({ key: rsaSpki(n, e), format: 'der', type: 'spki' }), sig)).toBe(true)
})

it('reads attributes of every length exactly, CK_ULONGs in the ABI\'s width, and refuses sensitive ones', () => {
  const label = '工行 '.repeat(20) // 140 bytes of UTF-8
  const h = ck.createObject(session, [
    { type: CKA.CLASS, value: 4 }, // CKO_SECRET_KEY
    { type: CKA.KEY_TYPE, value: 0x10 }, // CKK_GENERIC_SECRET
    { type: CKA.TOKEN, value: false },
    { type: CKA.SENSITIVE, value: true },
    { type: CKA.LABEL, value: label },
    { type: CKA.ID, value: Buffer.alloc(0) },
    { type: CKA.VALUE, value: Buffer.alloc(32, 7) },
  ])
  const [cls, l, id] = ck.getAttributeValue(session, h, [CKA.CLASS, CKA.LABEL, CKA.ID]) as [Buffer, Buffer, Buffer]
  expect(cls).toHaveLength(ck.abi.ulongBits / 8)
  expect(cls.readUInt32LE(0)).toBe(4)
  expect(l.toString('utf8')).toBe(label)
  expect(id).toHaveLength(0)
  let err: unknown
  try {
    ck.getAttributeValue(session, h, [CKA.VALUE])
  } catch (e) {
    err = e
  }
  expect(err).toBeInstanceOf(CryptokiError)
  expect([(err as CryptokiError).message, (err as CryptokiError).functionName]).toEqual(['CKR_ATTRIBUTE_SENSITIVE', 'C_GetAttributeValue'])
})
