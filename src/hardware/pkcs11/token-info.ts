import type { CkInfo, CkSlotInfo, CkTokenInfo } from './cryptoki.js'
import type { ModuleInfo, PinState, TokenInfo } from './types.js'

// CKF_* token flags (PKCS#11 2.40 §5.2, CK_TOKEN_INFO).
const CKF = {
  WRITE_PROTECTED: 0x2,
  LOGIN_REQUIRED: 0x4,
  USER_PIN_INITIALIZED: 0x8,
  PROTECTED_AUTHENTICATION_PATH: 0x100,
  TOKEN_INITIALIZED: 0x400,
  USER_PIN_COUNT_LOW: 0x10000,
  USER_PIN_FINAL_TRY: 0x20000,
  USER_PIN_LOCKED: 0x40000,
  USER_PIN_TO_BE_CHANGED: 0x80000,
} as const

export function isInitialized(tokenFlags: number): boolean {
  return (tokenFlags & CKF.TOKEN_INITIALIZED) !== 0
}

/**
 * The most severe PIN condition first: a locked PIN hides every other state, and
 * final-try is what the renewal flow must stop at (FAQ 3). count-low comes before
 * to-be-changed because it is what a help desk asks about first.
 */
export function pinState(flags: number): PinState {
  if (flags & CKF.USER_PIN_LOCKED) return 'locked'
  if (flags & CKF.USER_PIN_FINAL_TRY) return 'final-try'
  if (!(flags & CKF.USER_PIN_INITIALIZED)) return 'not-initialized'
  if (flags & CKF.USER_PIN_COUNT_LOW) return 'count-low'
  if (flags & CKF.USER_PIN_TO_BE_CHANGED) return 'to-be-changed'
  return 'ok'
}

function version(v: { major: number; minor: number }): string {
  return `${v.major}.${v.minor}`
}

export function moduleInfo(path: string, info: CkInfo): ModuleInfo {
  return {
    path,
    description: info.libraryDescription,
    manufacturer: info.manufacturerID,
    version: version(info.libraryVersion),
    cryptokiVersion: version(info.cryptokiVersion),
  }
}

/** The binding strips the blank padding of CK_TOKEN_INFO / CK_SLOT_INFO strings; trim again for modules that pad with NULs then blanks. */
export function tokenInfo(module: ModuleInfo, slotId: bigint, slot: CkSlotInfo, token: CkTokenInfo): TokenInfo {
  const f = token.flags
  return {
    module,
    // Decimal text: slot ids are CK_ULONGs and can exceed 2^53 on 64-bit platforms.
    slotId: slotId.toString(10),
    slotDescription: slot.slotDescription.trim(),
    label: token.label.trim(),
    manufacturer: token.manufacturerID.trim(),
    model: token.model.trim(),
    serial: token.serialNumber.trim(),
    loginRequired: (f & CKF.LOGIN_REQUIRED) !== 0,
    protectedAuthPath: (f & CKF.PROTECTED_AUTHENTICATION_PATH) !== 0,
    writeProtected: (f & CKF.WRITE_PROTECTED) !== 0,
    pin: pinState(f),
    pinTriesLeft: null,
  }
}
