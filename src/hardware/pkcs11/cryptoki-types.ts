import type Koffi from 'koffi'
import type { TypeObject } from 'koffi'
import type { CryptokiAbi } from './cryptoki-abi.js'

/** koffi's API object (its default export). */
export type KoffiApi = typeof Koffi
/** What koffi accepts where a type is expected (koffi's d.ts does not export its own name for it). */
export type KoffiTypeSpec = Parameters<KoffiApi['out']>[0]

/**
 * The 2.40 function list, in the order of pkcs11f.h: CK_FUNCTION_LIST is this
 * CK_VERSION followed by one function pointer per name. The binding calls
 * through these pointers (C_GetFunctionList is the one symbol it looks up), as
 * PKCS#11 §5.2 intends: some vendor DLLs export nothing else.
 */
export const FUNCTION_NAMES = [
  'C_Initialize', 'C_Finalize', 'C_GetInfo', 'C_GetFunctionList', 'C_GetSlotList', 'C_GetSlotInfo', 'C_GetTokenInfo',
  'C_GetMechanismList', 'C_GetMechanismInfo', 'C_InitToken', 'C_InitPIN', 'C_SetPIN', 'C_OpenSession', 'C_CloseSession',
  'C_CloseAllSessions', 'C_GetSessionInfo', 'C_GetOperationState', 'C_SetOperationState', 'C_Login', 'C_Logout',
  'C_CreateObject', 'C_CopyObject', 'C_DestroyObject', 'C_GetObjectSize', 'C_GetAttributeValue', 'C_SetAttributeValue',
  'C_FindObjectsInit', 'C_FindObjects', 'C_FindObjectsFinal', 'C_EncryptInit', 'C_Encrypt', 'C_EncryptUpdate',
  'C_EncryptFinal', 'C_DecryptInit', 'C_Decrypt', 'C_DecryptUpdate', 'C_DecryptFinal', 'C_DigestInit', 'C_Digest',
  'C_DigestUpdate', 'C_DigestKey', 'C_DigestFinal', 'C_SignInit', 'C_Sign', 'C_SignUpdate', 'C_SignFinal',
  'C_SignRecoverInit', 'C_SignRecover', 'C_VerifyInit', 'C_Verify', 'C_VerifyUpdate', 'C_VerifyFinal',
  'C_VerifyRecoverInit', 'C_VerifyRecover', 'C_DigestEncryptUpdate', 'C_DecryptDigestUpdate', 'C_SignEncryptUpdate',
  'C_DecryptVerifyUpdate', 'C_GenerateKey', 'C_GenerateKeyPair', 'C_WrapKey', 'C_UnwrapKey', 'C_DeriveKey',
  'C_SeedRandom', 'C_GenerateRandom', 'C_GetFunctionStatus', 'C_CancelFunction', 'C_WaitForSlotEvent',
] as const

export type FunctionName = (typeof FUNCTION_NAMES)[number]

/** The structures ukey reads or passes, laid out for one ABI. */
export interface CryptokiTypes {
  readonly abi: CryptokiAbi
  /** CK_ULONG and everything typedef'd to it (CK_RV, CK_FLAGS, CK_SLOT_ID, handles, counts). */
  readonly ulong: TypeObject
  /** A data pointer; an integer of the right size when the ABI is not this process's (layout checks only). */
  readonly pointer: TypeObject
  readonly CK_VERSION: TypeObject
  readonly CK_INFO: TypeObject
  readonly CK_SLOT_INFO: TypeObject
  readonly CK_TOKEN_INFO: TypeObject
  readonly CK_SESSION_INFO: TypeObject
  readonly CK_ATTRIBUTE: TypeObject
  readonly CK_MECHANISM: TypeObject
  readonly CK_FUNCTION_LIST: TypeObject
}

/**
 * Builds the types for `abi` (anonymous koffi types, so several ABIs can be
 * built in one process: the layout test compares each with what gcc and
 * mingw-w64 compute from a C pkcs11.h).
 */
export function cryptokiTypes(koffi: KoffiApi, abi: CryptokiAbi): CryptokiTypes {
  const hostPointerBits = koffi.sizeof('void *') * 8
  const ulong = koffi.type(abi.ulongBits === 64 ? 'uint64_t' : 'uint32_t')
  const pointer = koffi.type(abi.pointerBits === hostPointerBits ? 'void *' : abi.pointerBits === 64 ? 'uint64_t' : 'uint32_t')
  const struct = (def: Record<string, KoffiTypeSpec>): TypeObject => (abi.packed ? koffi.pack(def) : koffi.struct(def))
  const chars = (n: number): TypeObject => koffi.array('uint8_t', n, 'Typed')
  const CK_VERSION = struct({ major: 'uint8_t', minor: 'uint8_t' })
  const functions: Record<string, TypeObject> = {}
  for (const name of FUNCTION_NAMES) functions[name] = pointer
  return {
    abi,
    ulong,
    pointer,
    CK_VERSION,
    CK_INFO: struct({
      cryptokiVersion: CK_VERSION,
      manufacturerID: chars(32),
      flags: ulong,
      libraryDescription: chars(32),
      libraryVersion: CK_VERSION,
    }),
    CK_SLOT_INFO: struct({
      slotDescription: chars(64),
      manufacturerID: chars(32),
      flags: ulong,
      hardwareVersion: CK_VERSION,
      firmwareVersion: CK_VERSION,
    }),
    CK_TOKEN_INFO: struct({
      label: chars(32),
      manufacturerID: chars(32),
      model: chars(16),
      serialNumber: chars(16),
      flags: ulong,
      ulMaxSessionCount: ulong,
      ulSessionCount: ulong,
      ulMaxRwSessionCount: ulong,
      ulRwSessionCount: ulong,
      ulMaxPinLen: ulong,
      ulMinPinLen: ulong,
      ulTotalPublicMemory: ulong,
      ulFreePublicMemory: ulong,
      ulTotalPrivateMemory: ulong,
      ulFreePrivateMemory: ulong,
      hardwareVersion: CK_VERSION,
      firmwareVersion: CK_VERSION,
      utcTime: chars(16),
    }),
    CK_SESSION_INFO: struct({ slotID: ulong, state: ulong, flags: ulong, ulDeviceError: ulong }),
    CK_ATTRIBUTE: struct({ type: ulong, pValue: pointer, ulValueLen: ulong }),
    CK_MECHANISM: struct({ mechanism: ulong, pParameter: pointer, ulParameterLen: ulong }),
    CK_FUNCTION_LIST: struct({ version: CK_VERSION, ...functions }),
  }
}
