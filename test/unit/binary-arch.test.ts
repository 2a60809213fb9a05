import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { archMismatch, elfInterpreter, parseBinaryHeader, processMachine, readBinaryArch } from '../../src/platform/binary-arch.js'
import { buildTinyModules, type TinyKind } from '../helpers/tiny-modules.js'

describe('binary-arch: real libraries built here', () => {
  let dir: string
  let libs: Record<TinyKind, string>
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ukey-arch-'))
    libs = buildTinyModules(dir)
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('reads the PE machine of a mingw-w64 i686 DLL as 32-bit x86', () => {
    expect(readBinaryArch(libs['pe-x86'])).toEqual({ format: 'pe', machines: ['x86'], bits: [32] })
  })

  it('reads the PE machine of a mingw-w64 x86_64 DLL as 64-bit x64', () => {
    expect(readBinaryArch(libs['pe-x64'])).toEqual({ format: 'pe', machines: ['x64'], bits: [64] })
  })

  it('reads an ELF shared object built by gcc as this machine', () => {
    expect(readBinaryArch(libs['elf-x64'])).toEqual({ format: 'elf', machines: [processMachine()], bits: [64] })
  })

  it('a 32-bit DLL for a 64-bit process is a mismatch; a 64-bit one is not', () => {
    expect(archMismatch(libs['pe-x86'], 'x64')).toMatchObject({ moduleBits: 32, processBits: 64, processMachine: 'x64' })
    expect(archMismatch(libs['pe-x64'], 'x64')).toBeUndefined()
    // …and the other way round: a 32-bit Node cannot load the 64-bit DLL.
    expect(archMismatch(libs['pe-x64'], 'ia32')).toMatchObject({ moduleBits: 64, processBits: 32 })
    expect(archMismatch(libs['pe-x86'], 'ia32')).toBeUndefined()
  })

  it('a file that is no library, or no file, tells nothing (the loader reports it)', () => {
    const text = join(dir, 'notes.txt')
    writeFileSync(text, 'not a library at all')
    expect(readBinaryArch(text)).toBeUndefined()
    expect(archMismatch(text)).toBeUndefined()
    expect(readBinaryArch(join(dir, 'missing.dll'))).toBeUndefined()
    writeFileSync(join(dir, 'short.dll'), 'MZ')
    expect(readBinaryArch(join(dir, 'short.dll'))).toBeUndefined()
  })
})

/** An ELF identification + e_machine, as elf(5) lays them out. */
function elf(cls: 1 | 2, little: boolean, machine: number): Buffer {
  const b = Buffer.alloc(64)
  b.writeUInt32BE(0x7f454c46, 0)
  b[4] = cls
  b[5] = little ? 1 : 2
  if (little) b.writeUInt16LE(machine, 18)
  else b.writeUInt16BE(machine, 18)
  return b
}

describe('binary-arch: headers of machines this host cannot build for', () => {
  it.each([
    [elf(2, true, 258), 'loong64', 64],
    [elf(2, true, 243), 'riscv64', 64],
    [elf(2, true, 8), 'mips64el', 64],
    [elf(1, true, 3), 'x86', 32],
    [elf(2, true, 183), 'arm64', 64],
  ] as const)('ELF %#: %s', (buf, machine, bits) => {
    expect(parseBinaryHeader(buf)).toEqual({ format: 'elf', machines: [machine], bits: [bits] })
  })

  it('Mach-O thin (MH_MAGIC_64, arm64) and universal (x86_64 + arm64)', () => {
    const thin = Buffer.alloc(32)
    thin.writeUInt32LE(0xfeedfacf, 0)
    thin.writeUInt32LE(0x0100000c, 4)
    expect(parseBinaryHeader(thin)).toEqual({ format: 'mach-o', machines: ['arm64'], bits: [64] })

    const fat = Buffer.alloc(8 + 2 * 20)
    fat.writeUInt32BE(0xcafebabe, 0)
    fat.writeUInt32BE(2, 4)
    fat.writeUInt32BE(0x01000007, 8)
    fat.writeUInt32BE(0x0100000c, 28)
    expect(parseBinaryHeader(fat)).toEqual({ format: 'mach-o', machines: ['x64', 'arm64'], bits: [64, 64] })
  })

  it('a Java class file (same magic as a universal binary) is not a library', () => {
    const cls = Buffer.alloc(16)
    cls.writeUInt32BE(0xcafebabe, 0)
    cls.writeUInt16BE(0, 4)
    cls.writeUInt16BE(61, 6) // class file major version 61: Java 17
    expect(parseBinaryHeader(cls)).toBeUndefined()
  })
})

describe('binary-arch: the ELF program interpreter (which C library a program uses)', () => {
  // A minimal 64- or 32-bit little-endian ELF: the header, one PT_INTERP program header, the name.
  function elf(bits: 64 | 32, interp: string): Buffer {
    const name = Buffer.from(interp + '\0', 'latin1')
    const ehsize = bits === 64 ? 64 : 52
    const phentsize = bits === 64 ? 56 : 32
    const buf = Buffer.alloc(ehsize + phentsize + name.length)
    buf.writeUInt32BE(0x7f454c46, 0)
    buf[4] = bits === 64 ? 2 : 1
    buf[5] = 1
    if (bits === 64) {
      buf.writeBigUInt64LE(BigInt(ehsize), 32)
      buf.writeUInt16LE(phentsize, 54)
      buf.writeUInt16LE(1, 56)
      buf.writeUInt32LE(3, ehsize)
      buf.writeBigUInt64LE(BigInt(ehsize + phentsize), ehsize + 8)
      buf.writeBigUInt64LE(BigInt(name.length), ehsize + 32)
    } else {
      buf.writeUInt32LE(ehsize, 28)
      buf.writeUInt16LE(phentsize, 42)
      buf.writeUInt16LE(1, 44)
      buf.writeUInt32LE(3, ehsize)
      buf.writeUInt32LE(ehsize + phentsize, ehsize + 4)
      buf.writeUInt32LE(name.length, ehsize + 16)
    }
    name.copy(buf, ehsize + phentsize)
    return buf
  }

  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ukey-interp-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it.each([
    [64, '/lib/ld-musl-x86_64.so.1'],
    [64, '/lib64/ld-linux-x86-64.so.2'],
    [32, '/lib/ld-musl-i386.so.1'],
    [32, '/lib/ld-linux.so.2'],
  ] as const)('%i-bit: %s', (bits, interp) => {
    const file = join(dir, `elf${bits}-${interp.replace(/\W/g, '_')}`)
    writeFileSync(file, elf(bits, interp))
    expect(elfInterpreter(file)).toBe(interp)
  })

  it('this Node names its loader; a file that is no ELF or has none gives null', () => {
    if (process.platform === 'linux') expect(elfInterpreter(process.execPath)).toMatch(/\/ld-/)
    const text = join(dir, 'text')
    writeFileSync(text, 'not an executable, long enough to be read as a header of sixty-four bytes')
    expect(elfInterpreter(text)).toBeNull()
    const noInterp = join(dir, 'no-interp')
    const b = elf(64, '/x')
    b.writeUInt32LE(1, 64) // PT_LOAD instead of PT_INTERP
    writeFileSync(noInterp, b)
    expect(elfInterpreter(noInterp)).toBeNull()
    expect(elfInterpreter(join(dir, 'missing'))).toBeNull()
  })
})
