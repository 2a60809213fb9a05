import { closeSync, openSync, readSync } from 'node:fs'

/**
 * The machine a shared library was built for, read from its header before
 * anything loads it. A 64-bit process cannot map a 32-bit library (nor the
 * other way round): the loader says only "Bad EXE format" / "wrong ELF class",
 * so ukey reads the header itself and names the mismatch (issue 14: vendor
 * tools on Windows often install only a 32-bit DLL, in SysWOW64).
 */
export type Machine = 'x86' | 'x64' | 'arm' | 'arm64' | 'loong64' | 'riscv64' | 'mips64el' | 'mipsel' | 'ppc64' | 's390x' | 'unknown'

export interface BinaryArch {
  format: 'pe' | 'elf' | 'mach-o'
  /** Each architecture the file holds: a Mach-O universal ("fat") file holds several. */
  machines: Machine[]
  /** 32 or 64, per machine (same order). */
  bits: Array<32 | 64>
}

// PE/COFF specification, "Machine Types" (IMAGE_FILE_MACHINE_*).
const PE_MACHINES: Record<number, [Machine, 32 | 64]> = {
  0x014c: ['x86', 32],
  0x8664: ['x64', 64],
  0x01c0: ['arm', 32],
  0x01c4: ['arm', 32],
  0xaa64: ['arm64', 64],
  0x6264: ['loong64', 64],
  0x5064: ['riscv64', 64],
}

// ELF e_machine values (System V ABI, elf.h EM_*); the class byte says 32 or 64.
const ELF_MACHINES: Record<number, Machine> = {
  3: 'x86',
  62: 'x64',
  40: 'arm',
  183: 'arm64',
  258: 'loong64',
  243: 'riscv64',
  8: 'mipsel',
  21: 'ppc64',
  22: 's390x',
}

// Mach-O cputype (mach/machine.h): CPU_ARCH_ABI64 = 0x01000000.
const MACHO_MACHINES: Record<number, [Machine, 32 | 64]> = {
  7: ['x86', 32],
  0x01000007: ['x64', 64],
  12: ['arm', 32],
  0x0100000c: ['arm64', 64],
}

const HEADER_BYTES = 4096

/** `read` on `path` opened for reading, closed after; undefined when it cannot be opened or `read` throws. */
function readingFile<T>(path: string, read: (fd: number) => T): T | undefined {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch {
    return undefined
  }
  try {
    return read(fd)
  } catch {
    return undefined
  } finally {
    closeSync(fd)
  }
}

/** Reads the header of `path`; undefined when it is none of PE, ELF, Mach-O (or cannot be read). */
export function readBinaryArch(path: string): BinaryArch | undefined {
  return readingFile(path, (fd) => {
    const buf = Buffer.alloc(HEADER_BYTES)
    const n = readSync(fd, buf, 0, HEADER_BYTES, 0)
    const head = buf.subarray(0, n)
    // The PE header may sit beyond the first page (a long DOS stub): read it where e_lfanew points.
    if (n >= 0x40 && head.readUInt16LE(0) === 0x5a4d) {
      const lfanew = head.readUInt32LE(0x3c)
      const pe = Buffer.alloc(6)
      if (readSync(fd, pe, 0, 6, lfanew) === 6) return parsePe(pe)
      return undefined
    }
    return parseBinaryHeader(head)
  })
}

function parsePe(sig: Buffer): BinaryArch | undefined {
  if (sig.readUInt32LE(0) !== 0x00004550) return undefined // "PE\0\0"
  const [machine, bits] = PE_MACHINES[sig.readUInt16LE(4)] ?? ['unknown', 32]
  return { format: 'pe', machines: [machine], bits: [bits] }
}

/** The same as readBinaryArch for bytes in memory (a PE file's whole header must be in `buf`). */
export function parseBinaryHeader(buf: Buffer): BinaryArch | undefined {
  if (buf.length >= 0x40 && buf.readUInt16LE(0) === 0x5a4d) {
    const lfanew = buf.readUInt32LE(0x3c)
    return lfanew + 6 <= buf.length ? parsePe(buf.subarray(lfanew, lfanew + 6)) : undefined
  }
  if (buf.length >= 20 && buf.readUInt32BE(0) === 0x7f454c46) return parseElf(buf)
  if (buf.length >= 8) return parseMachO(buf)
  return undefined
}

function parseElf(buf: Buffer): BinaryArch | undefined {
  const cls = buf[4] // EI_CLASS: 1 = 32-bit, 2 = 64-bit
  const little = buf[5] === 1 // EI_DATA: 1 = little-endian
  if (cls !== 1 && cls !== 2) return undefined
  const bits: 32 | 64 = cls === 2 ? 64 : 32
  const em = little ? buf.readUInt16LE(18) : buf.readUInt16BE(18)
  let machine = ELF_MACHINES[em] ?? 'unknown'
  // EM_MIPS (8) and EM_PPC64 (21) cover both widths and endiannesses: name what Node calls them.
  if (em === 8) machine = bits === 64 && little ? 'mips64el' : little ? 'mipsel' : 'unknown'
  if (em === 21 && !little) machine = 'unknown'
  return { format: 'elf', machines: [machine], bits: [bits] }
}

function parseMachO(buf: Buffer): BinaryArch | undefined {
  const magicBE = buf.readUInt32BE(0)
  // Universal binaries: FAT_MAGIC (32-bit offsets) / FAT_MAGIC_64, big-endian, then nfat_arch entries.
  if (magicBE === 0xcafebabe || magicBE === 0xcafebabf) {
    const count = buf.readUInt32BE(4)
    // Java class files share 0xcafebabe; their "count" (version numbers) is ≥ 45.
    if (count === 0 || count > 20) return undefined
    const entry = magicBE === 0xcafebabf ? 32 : 20
    const machines: Machine[] = []
    const bits: Array<32 | 64> = []
    for (let i = 0; i < count && 8 + (i + 1) * entry <= buf.length; i++) {
      const [m, b] = MACHO_MACHINES[buf.readUInt32BE(8 + i * entry)] ?? ['unknown', 64]
      machines.push(m)
      bits.push(b)
    }
    return { format: 'mach-o', machines, bits }
  }
  const magicLE = buf.readUInt32LE(0)
  // MH_MAGIC / MH_MAGIC_64 as written by a little-endian machine.
  if (magicLE === 0xfeedface || magicLE === 0xfeedfacf) {
    const [m, b] = MACHO_MACHINES[buf.readUInt32LE(4)] ?? ['unknown', magicLE === 0xfeedfacf ? 64 : 32]
    return { format: 'mach-o', machines: [m], bits: [b] }
  }
  return undefined
}

/**
 * The program interpreter an ELF executable names (its PT_INTERP: the dynamic
 * loader, which tells the C library: `ld-linux-*` is glibc's, `ld-musl-*` musl's);
 * null for anything else, a static executable or a file that cannot be read.
 */
export function elfInterpreter(path: string): string | null {
  return readingFile(path, (fd) => {
    const head = Buffer.alloc(64)
    if (readSync(fd, head, 0, 64, 0) < 52 || head.readUInt32BE(0) !== 0x7f454c46) return null
    const is64 = head[4] === 2
    if (head[5] !== 1) return null // big-endian: not a platform ukey's native parts run on
    const phoff = is64 ? Number(head.readBigUInt64LE(32)) : head.readUInt32LE(28)
    const phentsize = head.readUInt16LE(is64 ? 54 : 42)
    const phnum = head.readUInt16LE(is64 ? 56 : 44)
    if (phnum === 0 || phnum > 256 || phentsize < (is64 ? 56 : 32)) return null
    const ph = Buffer.alloc(phentsize * phnum)
    if (readSync(fd, ph, 0, ph.length, phoff) !== ph.length) return null
    for (let i = 0; i < phnum; i++) {
      const at = i * phentsize
      if (ph.readUInt32LE(at) !== 3) continue // PT_INTERP
      const offset = is64 ? Number(ph.readBigUInt64LE(at + 8)) : ph.readUInt32LE(at + 4)
      const size = is64 ? Number(ph.readBigUInt64LE(at + 32)) : ph.readUInt32LE(at + 16)
      if (size === 0 || size > 4096) return null
      const name = Buffer.alloc(size)
      if (readSync(fd, name, 0, size, offset) !== size) return null
      return name.toString('latin1').replace(/\0+$/, '')
    }
    return null
  }) ?? null
}

/** Node's process.arch in this file's words. */
export function processMachine(arch: string = process.arch): Machine {
  const map: Record<string, Machine> = { ia32: 'x86', x64: 'x64', arm: 'arm', arm64: 'arm64', loong64: 'loong64', riscv64: 'riscv64', mips64el: 'mips64el', mipsel: 'mipsel', ppc64: 'ppc64', s390x: 's390x' }
  return map[arch] ?? 'unknown'
}

export interface ArchMismatch {
  module: BinaryArch
  moduleBits: 32 | 64
  processMachine: Machine
  processBits: 32 | 64
}

/**
 * Whether a library at `path` cannot be loaded by this process because of its
 * machine type. Undefined when it can (or when the header says nothing: the
 * loader's own error is then the best there is).
 */
export function archMismatch(path: string, arch: string = process.arch): ArchMismatch | undefined {
  const found = readBinaryArch(path)
  const want = processMachine(arch)
  if (!found || want === 'unknown' || found.machines.includes('unknown')) return undefined
  if (found.machines.includes(want)) return undefined
  const processBits: 32 | 64 = ['ia32', 'arm', 'mipsel', 'mips'].includes(arch) ? 32 : 64
  return { module: found, moduleBits: found.bits[0]!, processMachine: want, processBits }
}
