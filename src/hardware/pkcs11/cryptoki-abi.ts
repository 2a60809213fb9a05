/**
 * How a PKCS#11 module's structures and integers look in memory on one
 * platform. The two traps of calling a module through an FFI (the OASIS
 * headers' own rules, shared/notes/windows.md):
 * - CK_ULONG is C `unsigned long`: 64-bit on Linux and macOS (LP64), 32-bit on
 *   Windows (LLP64, and every 32-bit platform). Every CK_ULONG field, handle,
 *   count and return value changes size with it.
 * - pkcs11.h wraps its types in `#pragma pack(push, cryptoki, 1)` on Windows:
 *   CK_TOKEN_INFO, CK_ATTRIBUTE, even CK_FUNCTION_LIST (pointers at offset 2)
 *   are 1-byte packed there and naturally aligned elsewhere.
 * Functions are `__cdecl` everywhere (the same as the platform default on
 * x64; on 32-bit Windows it is what the cryptoki headers ask for, unlike the
 * Win32 API's __stdcall).
 */
export interface CryptokiAbi {
  /** For messages and tests: "linux-x64", "win32-x64", "win32-ia32". */
  readonly name: string
  /** Size of CK_ULONG (C `unsigned long`) in bits. */
  readonly ulongBits: 32 | 64
  /** Size of a data or function pointer in bits. */
  readonly pointerBits: 32 | 64
  /** Structures 1-byte packed (Windows) rather than naturally aligned. */
  readonly packed: boolean
}

export const ABIS = {
  lp64: { name: 'unix-64', ulongBits: 64, pointerBits: 64, packed: false },
  ilp32: { name: 'unix-32', ulongBits: 32, pointerBits: 32, packed: false },
  win64: { name: 'win32-x64', ulongBits: 32, pointerBits: 64, packed: true },
  win32: { name: 'win32-ia32', ulongBits: 32, pointerBits: 32, packed: true },
} as const satisfies Record<string, CryptokiAbi>

/** The ABI of this process (its OS and pointer size), which is what a module it loads must use. */
export function hostAbi(platform: NodeJS.Platform = process.platform, arch: string = process.arch): CryptokiAbi {
  const bits64 = ['x64', 'arm64', 'ppc64', 'riscv64', 'loong64', 's390x'].includes(arch)
  if (platform === 'win32') return bits64 ? ABIS.win64 : ABIS.win32
  return bits64 ? ABIS.lp64 : ABIS.ilp32
}
