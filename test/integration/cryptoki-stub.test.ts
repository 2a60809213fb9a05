// ukey's PKCS#11 binding against a module whose every answer is known (test/fixtures/pkcs11-stub,
// compiled here by gcc): CK_INFO, CK_SLOT_INFO and CK_TOKEN_INFO are compared field by field, so a
// field read at the wrong offset or with the wrong CK_ULONG size shows up as a wrong value. The
// Windows DLLs built from the same source are loaded under Wine by test/windows/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UkeyError } from '../../src/errors.js'
import { Cryptoki } from '../../src/hardware/pkcs11/cryptoki.js'
import { hostAbi } from '../../src/hardware/pkcs11/cryptoki-abi.js'
import { CryptokiError } from '../../src/hardware/pkcs11/cryptoki-error.js'
import { FUNCTION_NAMES } from '../../src/hardware/pkcs11/cryptoki-types.js'
import { Pkcs11TokenProvider } from '../../src/hardware/pkcs11/pkcs11-provider.js'
import { buildStub, stubExpectations, stubSlot } from '../helpers/pkcs11-stub.js'
import { SOFTHSM_MODULE } from '../helpers/softhsm.js'

const abi = hostAbi()
const expected = stubExpectations(abi.ulongBits, `linux-${process.arch}`)
let stubPath: string
let ck: Cryptoki

function thrown(fn: () => unknown): CryptokiError {
  try {
    fn()
  } catch (e) {
    if (e instanceof CryptokiError) return e
    throw e
  }
  throw new Error('expected a CryptokiError')
}

beforeAll(() => {
  stubPath = buildStub('linux').linux
  ck = Cryptoki.load(stubPath)
})

afterAll(() => {
  try {
    ck.finalize()
  } catch {
    // already finalised by a test
  }
})

describe('the binding reads every field the module wrote', () => {
  it('asks the module before C_Initialize and gets its refusal as a CryptokiError', () => {
    const e = thrown(() => ck.getInfo())
    expect([e.message, e.code, e.functionName]).toEqual(['CKR_CRYPTOKI_NOT_INITIALIZED', 0x190, 'C_GetInfo'])
  })

  it('CK_INFO, the slot list and CK_SLOT_INFO, field by field', () => {
    ck.initialize()
    // A second C_Initialize (another user of the library in this process) is not an error.
    ck.initialize()
    expect(ck.functionListVersion).toEqual({ major: 2, minor: 40 })
    expect(ck.getInfo()).toEqual(expected.info)
    expect(ck.getSlotList(false)).toEqual(expected.slots)
    expect(ck.getSlotList(true)).toEqual([stubSlot(abi.ulongBits)])
    expect(ck.getSlotInfo(stubSlot(abi.ulongBits))).toEqual(expected.slotInfo)
    expect(ck.getSlotInfo(3n)).toEqual(expected.emptySlotInfo)
  })

  it('CK_TOKEN_INFO, field by field, with CK_ULONGs beyond 32 bits where CK_ULONG is 64-bit', () => {
    const info = ck.getTokenInfo(stubSlot(abi.ulongBits))
    expect(info).toEqual(expected.tokenInfo)
    if (abi.ulongBits === 64) expect(info.ulFreePrivateMemory).toBe(0xa5a5a5a5a5a5a5aan)
  })

  it('passes the module\'s return values on: no token, unknown slot, and a NULL entry in the function list', () => {
    expect(thrown(() => ck.getTokenInfo(3n)).message).toBe('CKR_TOKEN_NOT_PRESENT')
    expect(thrown(() => ck.getSlotInfo(4n)).message).toBe('CKR_SLOT_ID_INVALID')
    // The stub leaves C_OpenSession NULL: not supported, and never called through a null pointer.
    const e = thrown(() => ck.openSession(stubSlot(abi.ulongBits), 0x4))
    expect([e.message, e.functionName]).toEqual(['CKR_FUNCTION_NOT_SUPPORTED', 'C_OpenSession'])
  })

  it('through the provider: the token with its slot id beyond 2^53 as exact decimal text, and count-low', async () => {
    const p = Pkcs11TokenProvider.create([stubPath])
    try {
      const { tokens, moduleErrors } = await p.listTokens()
      expect(moduleErrors).toEqual([])
      expect(tokens).toEqual([
        {
          module: { path: stubPath, description: `ukey PKCS#11 stub linux-${process.arch}`, manufacturer: 'ukey stub manufacturer', version: '7.13', cryptokiVersion: '2.40' },
          slotId: stubSlot(abi.ulongBits).toString(10),
          slotDescription: `ukey stub reader linux-${process.arch}`,
          label: '工行 U盾 stub',
          manufacturer: 'ukey stub tokens',
          model: 'STUB-MODEL-9',
          serial: '2100000012345678',
          loginRequired: true,
          protectedAuthPath: false,
          writeProtected: false,
          pin: 'count-low',
          pinTriesLeft: null,
        },
      ])
      const err = await p.open(tokens[0]!).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(UkeyError)
      expect((err as UkeyError).code).toBe('PKCS11_FUNCTION_NOT_SUPPORTED')
      expect((err as UkeyError).params).toEqual({ detail: 'C_OpenSession (CKR_FUNCTION_NOT_SUPPORTED)' })
    } finally {
      await p.close()
    }
  })
})

describe('the function list', () => {
  it('is read in pkcs11f.h order: each entry of SoftHSM2\'s table is its exported function of that name', () => {
    // SoftHSM2 exports all 68 functions as well as listing them; the stub exports only C_GetFunctionList.
    const softhsm = Cryptoki.load(SOFTHSM_MODULE)
    try {
      expect(FUNCTION_NAMES).toHaveLength(68)
      for (const name of FUNCTION_NAMES) {
        const listed = softhsm.functionPointer(name)
        expect(listed, name).not.toBeNull()
        expect(listed, name).toBe(softhsm.symbol(name))
      }
    } finally {
      softhsm.unload()
    }
    expect(ck.symbol('C_GetInfo')).toBeNull()
    expect(ck.functionPointer('C_GetFunctionList')).toBe(ck.symbol('C_GetFunctionList'))
  })
})
