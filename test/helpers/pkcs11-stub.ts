import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** test/fixtures/pkcs11-stub: a PKCS#11 module with known values in every field (see stub.c). */
export const STUB_DIR = join(import.meta.dirname, '../fixtures/pkcs11-stub')

export type StubTarget = 'linux' | 'win64' | 'win32'
const FILES: Record<StubTarget, string> = { linux: 'libukeystub.so', win64: 'ukeystub-x64.dll', win32: 'ukeystub-x86.dll' }

/** Builds the stub for `targets` into a fresh temporary folder (gcc / mingw-w64, ~0.2 s each); returns each file's path. */
export function buildStub(...targets: StubTarget[]): Record<StubTarget, string> {
  const out = mkdtempSync(join(tmpdir(), 'ukey-stub-'))
  execFileSync('bash', [join(STUB_DIR, 'build.sh'), out, ...targets], { stdio: 'pipe' })
  return Object.fromEntries(Object.entries(FILES).map(([t, f]) => [t, join(out, f)])) as Record<StubTarget, string>
}

/** What stub.c puts in each CK_ULONG field n (DISTINCT(n)), cut to the ABI's CK_ULONG. */
export function distinct(n: number, ulongBits: 32 | 64): bigint {
  return BigInt.asUintN(ulongBits, 0xa5a5a5a5a5a5a5a0n + BigInt(n))
}

/** The stub's slot with a token: the highest CK_ULONG values (beyond 2^53 where CK_ULONG is 64-bit). */
export function stubSlot(ulongBits: 32 | 64): bigint {
  return BigInt.asUintN(ulongBits, 0xfffffffffffffff0n)
}

/** The stub's answers, field by field, as stub.c writes them (`arch` is its STUB_ARCH). */
export function stubExpectations(ulongBits: 32 | 64, arch: string) {
  return {
    info: {
      cryptokiVersion: { major: 2, minor: 40 },
      manufacturerID: 'ukey stub manufacturer',
      flags: distinct(0, ulongBits),
      libraryDescription: `ukey PKCS#11 stub ${arch}`,
      libraryVersion: { major: 7, minor: 13 },
    },
    slots: [3n, stubSlot(ulongBits)],
    slotInfo: {
      slotDescription: `ukey stub reader ${arch}`,
      manufacturerID: 'ukey stub readers',
      flags: 0x1 | 0x2 | 0x4, // CKF_TOKEN_PRESENT | CKF_REMOVABLE_DEVICE | CKF_HW_SLOT
      hardwareVersion: { major: 3, minor: 1 },
      firmwareVersion: { major: 4, minor: 2 },
    },
    emptySlotInfo: {
      slotDescription: 'ukey stub empty reader',
      manufacturerID: 'ukey stub readers',
      flags: 0x2 | 0x4,
      hardwareVersion: { major: 1, minor: 1 },
      firmwareVersion: { major: 1, minor: 2 },
    },
    tokenInfo: {
      label: '工行 U盾 stub',
      manufacturerID: 'ukey stub tokens',
      model: 'STUB-MODEL-9',
      serialNumber: '2100000012345678',
      // CKF_RNG | CKF_LOGIN_REQUIRED | CKF_USER_PIN_INITIALIZED | CKF_TOKEN_INITIALIZED | CKF_USER_PIN_COUNT_LOW
      flags: 0x1 | 0x4 | 0x8 | 0x400 | 0x10000,
      ulMaxSessionCount: distinct(1, ulongBits),
      ulSessionCount: distinct(2, ulongBits),
      ulMaxRwSessionCount: distinct(3, ulongBits),
      ulRwSessionCount: distinct(4, ulongBits),
      ulMaxPinLen: distinct(5, ulongBits),
      ulMinPinLen: distinct(6, ulongBits),
      ulTotalPublicMemory: distinct(7, ulongBits),
      ulFreePublicMemory: distinct(8, ulongBits),
      ulTotalPrivateMemory: distinct(9, ulongBits),
      ulFreePrivateMemory: distinct(10, ulongBits),
      hardwareVersion: { major: 5, minor: 6 },
      firmwareVersion: { major: 7, minor: 8 },
      utcTime: '2026113012345600',
    },
  }
}
