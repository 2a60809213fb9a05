// The binding's structure layouts for each ABI, checked against what C compilers make of a real
// pkcs11.h (p11-kit's, Debian libp11-kit-dev, which packs on _WIN32 as the OASIS headers ask): the
// test writes one _Static_assert per size and field offset and compiles it with gcc (LP64),
// x86_64-w64-mingw32-gcc (Windows x64) and i686-w64-mingw32-gcc (Windows x86). A layout that is
// wrong for an ABI does not compile, and the compiler names the field.
import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import koffi from 'koffi'
import { describe, expect, it } from 'vitest'
import { ABIS, hostAbi, type CryptokiAbi } from '../../src/hardware/pkcs11/cryptoki-abi.js'
import { cryptokiTypes, type CryptokiTypes } from '../../src/hardware/pkcs11/cryptoki-types.js'

const STRUCTS = ['CK_VERSION', 'CK_INFO', 'CK_SLOT_INFO', 'CK_TOKEN_INFO', 'CK_SESSION_INFO', 'CK_ATTRIBUTE', 'CK_MECHANISM', 'CK_FUNCTION_LIST'] as const

/** A C file asserting every size and offset koffi computed for `abi`. */
function layoutAsserts(types: CryptokiTypes): string {
  const lines = ['#include <stddef.h>', '#include <p11-kit/pkcs11.h>']
  for (const name of STRUCTS) {
    const t = types[name]
    lines.push(`_Static_assert(sizeof(${name}) == ${koffi.sizeof(t)}, "sizeof(${name}) is not ${koffi.sizeof(t)}");`)
    for (const member of Object.keys(t.members ?? {})) {
      const at = koffi.offsetof(t, member)
      lines.push(`_Static_assert(offsetof(${name}, ${member}) == ${at}, "${name}.${member} is not at ${at}");`)
    }
  }
  lines.push(`_Static_assert(sizeof(CK_ULONG) == ${types.abi.ulongBits / 8}, "CK_ULONG is not ${types.abi.ulongBits} bits");`)
  return lines.join('\n') + '\n'
}

function compile(compiler: string, source: string): Promise<{ code: number; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'ukey-layout-'))
  const file = join(dir, 'layout.c')
  writeFileSync(file, source)
  return new Promise((resolve) => {
    execFile(compiler, ['-std=c11', '-fsyntax-only', '-I/usr/include/p11-kit-1', file], { encoding: 'utf8' }, (err, _stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stderr })
    })
  })
}

const cases: Array<[string, CryptokiAbi]> = [
  ['gcc', ABIS.lp64],
  ['x86_64-w64-mingw32-gcc', ABIS.win64],
  ['i686-w64-mingw32-gcc', ABIS.win32],
]

describe('CK_* layouts agree with C compilers', () => {
  it.each(cases)('%s: %o', async (compiler, abi) => {
    const types = cryptokiTypes(koffi, abi)
    const asserts = layoutAsserts(types)
    // Every field of every structure is asserted, CK_FUNCTION_LIST's 68 function pointers included.
    expect(asserts.match(/_Static_assert/g)).toHaveLength(8 + 2 + 5 + 5 + 18 + 4 + 3 + 3 + 69 + 1)
    const r = await compile(compiler, asserts)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
  })

  it('the two traps fail the check, each named by the compiler', async () => {
    // Linux's layout with a Windows DLL: CK_ULONG is 32-bit there and the structures packed.
    const asLinux = await compile('x86_64-w64-mingw32-gcc', layoutAsserts(cryptokiTypes(koffi, ABIS.lp64)))
    expect(asLinux.code).not.toBe(0)
    expect(asLinux.stderr).toContain('CK_TOKEN_INFO.ulMaxSessionCount is not at')
    expect(asLinux.stderr).toContain('CK_ULONG is not 64 bits')
    // 32-bit CK_ULONG but natural alignment: CK_ATTRIBUTE.pValue and the function pointers move.
    const unpacked = await compile('x86_64-w64-mingw32-gcc', layoutAsserts(cryptokiTypes(koffi, { ...ABIS.win64, name: 'win64-unpacked', packed: false })))
    expect(unpacked.code).not.toBe(0)
    expect(unpacked.stderr).toContain('CK_ATTRIBUTE.pValue is not at 8')
    expect(unpacked.stderr).toContain('CK_FUNCTION_LIST.C_Initialize is not at 8')
  })

  it('a process picks its own ABI from its OS and pointer size', () => {
    expect(hostAbi('linux', 'x64')).toBe(ABIS.lp64)
    expect(hostAbi('darwin', 'arm64')).toBe(ABIS.lp64)
    expect(hostAbi('linux', 'loong64')).toBe(ABIS.lp64)
    expect(hostAbi('win32', 'x64')).toBe(ABIS.win64)
    expect(hostAbi('win32', 'arm64')).toBe(ABIS.win64)
    expect(hostAbi('win32', 'ia32')).toBe(ABIS.win32)
    expect(hostAbi('linux', 'arm')).toBe(ABIS.ilp32)
    // The packed Windows layout puts the first function pointer right after CK_VERSION.
    expect(koffi.offsetof(cryptokiTypes(koffi, ABIS.win64).CK_FUNCTION_LIST, 'C_Initialize')).toBe(2)
  })
})
