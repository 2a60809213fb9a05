// The reading thread decodes the common file itself (file-reader.ts): one well-formed
// CERTIFICATE block comes back as its DER and SHA-256 instead of its text. That is a
// fast path, so it is held to the general code it stands in for: pemBlocks for the
// DER, node:crypto for the digest, and, at the level of events, the same file read
// alone (a single file never starts a thread). Anything else must come back as the
// file's own bytes, so the main thread's general path sees exactly what it saw before.
import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { CertificateEvent } from '../../src/cert/events.js'
import { certIdentity } from '../../src/cert/identity.js'
import { pemBlocks } from '../../src/cert/pem.js'
import { FileReader, type ReadFiles } from '../../src/hardware/soft-store/file-reader.js'
import { readCertificates } from '../../src/hardware/soft-store/read-certificates.js'
import { FIXTURES } from '../helpers/cli.js'

const RSA_PEM = readFileSync(join(FIXTURES, 'rsa.pem'), 'latin1')
const RSA_DER = readFileSync(join(FIXTURES, 'rsa.der'))
const b64 = RSA_DER.toString('base64')
const lines = (width: number, eol: string): string => (b64.match(new RegExp(`.{1,${width}}`, 'g')) ?? []).join(eol)
const block = (body: string, eol = '\n', label = 'CERTIFICATE'): string => `-----BEGIN ${label}-----${eol}${body}${eol}-----END ${label}-----${eol}`
// One character of the first base64 line changed in place (the layout stays).
const damaged = (c: string): string => block(lines(64, '\n').replace(/^(.{40})./, `$1${c}`))
// A valid block whose DER is not a certificate: the thread decodes it, the main thread reports it.
const NOT_A_CERT_DER = block(Buffer.concat([Buffer.from([0x30, 0x82, 0x01, 0x00]), Buffer.alloc(0x100, 7)]).toString('base64').match(/.{1,64}/g)!.join('\n'))

/** Each variant: its bytes, and whether the thread decodes it (the plain case) or sends its text. */
const VARIANTS: Array<[name: string, bytes: string | Buffer, decoded: boolean]> = [
  ['plain.pem', RSA_PEM, true],
  ['crlf.pem', block(lines(64, '\r\n'), '\r\n'), true],
  ['mime.pem', block(lines(76, '\n')), true],
  ['subject-line.pem', `subject=CN = 张三\nissuer=CN = CA\n${RSA_PEM}`, true],
  ['text-after.pem', `${RSA_PEM}# exported by hand\n`, true],
  ['not-a-cert-der.pem', NOT_A_CERT_DER, true],
  ['ec.pem', readFileSync(join(FIXTURES, 'ec.pem')), true],
  ['sm2.pem', readFileSync(join(FIXTURES, 'sm2.pem')), true],
  ['chain.pem', readFileSync(join(FIXTURES, 'chain.pem')), false],
  ['key-and-cert.pem', readFileSync(join(FIXTURES, 'key-and-cert.pem')), false],
  ['two-blocks.pem', RSA_PEM + RSA_PEM, false],
  ['key-first.pem', `-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n${RSA_PEM}`, false],
  ['mention-first.pem', `# -----BEGIN CERTIFICATEs follow\n${RSA_PEM}`, false],
  ['trusted.pem', readFileSync(join(FIXTURES, 'trusted.pem')), false],
  ['x509-label.pem', block(lines(64, '\n'), '\n', 'X509 CERTIFICATE'), false],
  ['bang.pem', damaged('!'), false],
  ['space.pem', damaged(' '), false],
  ['base64url.pem', damaged('_'), false],
  ['one-lost.pem', block(lines(64, '\n').replace(/^(.{40})./, '$1')), false],
  ['odd-width.pem', block(lines(60, '\n')), false],
  ['no-end.pem', `-----BEGIN CERTIFICATE-----\n${lines(64, '\n')}\n`, false],
  ['broken-base64.pem', readFileSync(join(FIXTURES, 'bad/broken-base64.pem')), false],
  ['truncated.pem', readFileSync(join(FIXTURES, 'bad/truncated.pem')), false],
  ['rsa.der', RSA_DER, false],
  ['bundle.p7b', readFileSync(join(FIXTURES, 'bundle.p7b')), false],
  ['empty.pem', '', false],
]

const dirs: string[] = []
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ukey-reader-decode-'))
  dirs.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of dirs) execFileSync('rm', ['-rf', dir])
})

/** Every variant as a file in `dir`, in VARIANTS' order. */
function writeVariants(dir: string): string[] {
  return VARIANTS.map(([name, bytes]) => {
    const path = join(dir, name)
    writeFileSync(path, typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes)
    return path
  })
}

// check-window's answers come in a ring of shared memory (ReaderOptions.ring): read in
// place, handed back once the batch is done, overwritten by later batches. Whichever way
// an answer comes (a slot, a slot reused, its own buffer when none is free or the batch
// outgrows one), it must read as the plain reader's own buffer does.
describe('the answer ring: the same answers as a buffer of their own', () => {
  const same = (a: ReadFiles, b: ReadFiles, n: number): void => {
    for (let i = 0; i < n; i++) {
      expect({ i, sha256: a.sha256(i) }).toEqual({ i, sha256: b.sha256(i) })
      const [x, y] = [a.file(i), b.file(i)]
      expect({ i, same: x === undefined ? y === undefined : y !== undefined && Buffer.compare(x, y) === 0 }).toEqual({ i, same: true })
    }
  }

  it('every variant, batch after batch through the slots, then with every slot held, then a batch larger than a slot', async () => {
    const paths = writeVariants(scratch())
    const plain = FileReader.start(undefined)
    const ring = FileReader.start(undefined, { ring: true })
    try {
      const expected = await plain.read(paths).files
      if (expected.kind !== 'read') throw new Error('the plain reader answers with files')
      // Done one at a time: two slots serve them all, each answer right.
      const slots = new Set<number | undefined>()
      for (let b = 0; b < 25; b++) {
        const got = await ring.read(paths).files
        if (got.kind !== 'read') throw new Error('the plain reader answers with files')
        same(got, expected, paths.length)
        slots.add(got.ringSlot)
        got.release()
      }
      expect([...slots].every((k) => k !== undefined)).toBe(true)
      expect(slots.size).toBeLessThanOrEqual(2)
      // Held, not handed back: past the ring's slots each answer has a buffer of its own.
      const held = await Promise.all(Array.from({ length: 14 }, () => ring.read(paths).files))
      const inRing = held.filter((r) => r.kind === 'read' && r.ringSlot !== undefined)
      expect(inRing.length).toBe(10)
      expect(new Set(inRing.map((r) => (r.kind === 'read' ? r.ringSlot : -1))).size).toBe(10)
      for (const got of held) if (got.kind === 'read') same(got, expected, paths.length)
      for (const got of held) if (got.kind === 'read') got.release()
      // Three files of 200 KB sent as text (two blocks each): more than a slot holds, so the
      // answer moves to a buffer of its own.
      const dir = scratch()
      const big = [0, 1, 2].map((k) => {
        const path = join(dir, `big-${k}.pem`)
        writeFileSync(path, `${RSA_PEM}# ${'x'.repeat(200 * 1024)}\n${RSA_PEM}`)
        return path
      })
      const [own, bigExpected] = await Promise.all([ring.read([...big, paths[0]!]).files, plain.read([...big, paths[0]!]).files])
      if (own.kind !== 'read' || bigExpected.kind !== 'read') throw new Error('the plain reader answers with files')
      expect(own.ringSlot).toBeUndefined()
      same(own, bigExpected, 4)
      // Its slot went back when it moved out: the next batch has one again.
      const after = await ring.read(paths).files
      expect(after.kind === 'read' && after.ringSlot !== undefined).toBe(true)
    } finally {
      plain.stop()
      ring.stop()
    }
  })
})

// Both ways of reading (native-files.ts): libc's openat through koffi where the OS has it
// (the default), node:fs everywhere; `way` shows which one answered, so neither case is vacuous.
describe.each([
  { native: true, way: process.platform === 'win32' ? 'node:fs' : 'libc' },
  { native: false, way: 'node:fs' },
])('the reading thread ($way) decodes one plain CERTIFICATE block, and only that', ({ native, way }) => {
  it('decoded: the DER pemBlocks gives and its SHA-256; anything else: the file’s own bytes', async () => {
    const paths = writeVariants(scratch())
    const reader = FileReader.start(undefined, { native })
    try {
      const reply = await reader.read(paths).files
      if (reply.kind !== 'read') throw new Error('the plain reader answers with files')
      expect(reader.way).toBe(way)
      VARIANTS.forEach(([name, , decoded], i) => {
        const original = readFileSync(paths[i]!)
        expect({ name, decoded: reply.sha256(i) !== undefined }).toEqual({ name, decoded })
        if (!decoded) {
          expect(Buffer.compare(reply.file(i)!, original), name).toBe(0)
          return
        }
        const blocks = pemBlocks(original)
        expect(blocks.map((b) => b.label), name).toEqual(['CERTIFICATE'])
        expect(Buffer.compare(reply.file(i)!, blocks[0]!.der), name).toBe(0)
        expect(reply.sha256(i), name).toBe(createHash('sha256').update(blocks[0]!.der).digest('hex'))
      })
    } finally {
      reader.stop()
    }
  })

  it('without fingerprints (check-window --quiet, its table): the same files decoded, the same DER, no digest made', async () => {
    const paths = writeVariants(scratch())
    const reader = FileReader.start(undefined, { fingerprints: false, native })
    try {
      const reply = await reader.read(paths).files
      if (reply.kind !== 'read') throw new Error('the plain reader answers with files')
      VARIANTS.forEach(([name, , decoded], i) => {
        expect({ name, sha256: reply.sha256(i) }).toEqual({ name, sha256: decoded ? '' : undefined })
        const original = readFileSync(paths[i]!)
        expect(Buffer.compare(reply.file(i)!, decoded ? pemBlocks(original)[0]!.der : original), name).toBe(0)
      })
    } finally {
      reader.stop()
    }
  })

  it('a file too large for one read, a missing file and a FIFO nobody writes to: left to the main thread, no hang', async () => {
    const dir = scratch()
    const huge = join(dir, 'huge.pem')
    writeFileSync(huge, 'x'.repeat(300 * 1024) + '\n' + RSA_PEM)
    const fifo = join(dir, 'fifo.pem')
    execFileSync('mkfifo', [fifo])
    const plain = join(dir, 'plain.pem')
    writeFileSync(plain, RSA_PEM)
    const reader = FileReader.start(undefined, { native })
    try {
      const reply = await reader.read([huge, join(dir, 'missing.pem'), fifo, plain]).files
      if (reply.kind !== 'read') throw new Error('the plain reader answers with files')
      expect(reader.way).toBe(way)
      expect([0, 1, 2].map((i) => reply.file(i))).toEqual([undefined, undefined, undefined])
      expect([0, 1, 2].map((i) => reply.sha256(i))).toEqual([undefined, undefined, undefined])
      expect(reply.sha256(3)).toBe(createHash('sha256').update(RSA_DER).digest('hex'))
    } finally {
      reader.stop()
    }
  })

  it('paths of every shape: folders left and come back to, relative, through links, odd names; no descriptor left open', async () => {
    const dir = scratch()
    for (const sub of ['a', 'b', '证书 目录', 'real']) mkdirSync(join(dir, sub))
    const der = join(dir, 'a', 'rsa.der')
    writeFileSync(der, RSA_DER)
    writeFileSync(join(dir, 'a', 'one.pem'), RSA_PEM)
    writeFileSync(join(dir, 'b', 'two.pem'), damaged('!'))
    writeFileSync(join(dir, '证书 目录', '张三 (1).pem'), RSA_PEM)
    writeFileSync(join(dir, 'real', 'linked.pem'), RSA_PEM)
    mkdirSync(join(dir, 'b', 'folder.pem'))
    symlinkSync(join(dir, 'a', 'one.pem'), join(dir, 'b', 'link.pem'))
    symlinkSync(join(dir, 'nowhere.pem'), join(dir, 'b', 'dangling.pem'))
    symlinkSync(join(dir, 'real'), join(dir, 'via'))
    const paths = [
      join(dir, 'a', 'one.pem'),
      join(dir, 'b', 'two.pem'),
      join(dir, 'a', 'rsa.der'),
      join(dir, 'b', 'link.pem'),
      relative(process.cwd(), join(dir, 'a', 'one.pem')),
      join(dir, '证书 目录', '张三 (1).pem'),
      join(dir, 'via', 'linked.pem'),
      join(dir, 'b', 'folder.pem'),
      join(dir, 'b', 'dangling.pem'),
      join(dir, 'no-such-folder', 'x.pem'),
      join(dir, 'a', 'one.pem', 'x.pem'),
      join(dir, 'b', 'two.pem'),
    ]
    const unreadable = new Set([7, 8, 9, 10])
    const fds = (): number => (process.platform === 'linux' ? readdirSync('/proc/self/fd').length : 0)
    const reader = FileReader.start(undefined, { native })
    try {
      // Counted once the thread is up (its own event loop's descriptors) and after more rounds.
      let before = 0
      for (let round = 0; round < 4; round++) {
        if (round === 1) before = fds()
        const reply = await reader.read(paths).files
        if (reply.kind !== 'read') throw new Error('the plain reader answers with files')
        expect(reader.way).toBe(way)
        paths.forEach((path, i) => {
          if (unreadable.has(i)) {
            expect({ path, file: reply.file(i) }).toEqual({ path, file: undefined })
            return
          }
          const original = readFileSync(path)
          const blocks = reply.sha256(i) === undefined ? undefined : pemBlocks(original)
          expect(Buffer.compare(reply.file(i)!, blocks ? blocks[0]!.der : original), path).toBe(0)
        })
        expect(paths.map((_, i) => reply.sha256(i) !== undefined)).toEqual([true, false, false, true, true, true, true, false, false, false, false, false])
      }
      expect(fds()).toBe(before)
    } finally {
      reader.stop()
    }
  })
})

/** Everything an event says, the certificate's JSON identity (names, fingerprint, key) included. */
function view(events: CertificateEvent[]): string[] {
  return events.map((e) => (e.type === 'certificate'
    ? `cert ${e.source} #${e.index} ${e.format} ${e.cert.serial} ${e.cert.notBefore.toISOString()} ${e.cert.notAfter.toISOString()} ${e.cert.keyAlgorithm} ${JSON.stringify(certIdentity(e.cert))}`
    : `error ${e.source} ${e.error.code} ${e.error.key} ${JSON.stringify(e.error.params)}`))
}

/** The events as text, and how many certificates came decoded by the thread (their digest already made). */
async function all(inputs: string[], recursive: boolean, fingerprints = true): Promise<{ lines: string[]; byThread: number }> {
  const lines: string[] = []
  let byThread = 0
  // wait: no batch taken back from the thread, so the files past the first batches are all its own.
  for await (const batch of readCertificates({ inputs, recursive, stdin: process.stdin, threads: { wait: true }, fingerprints })) {
    lines.push(...view(batch))
    for (const e of batch) if (e.type === 'certificate' && e.cert.sha256 !== undefined) byThread++
  }
  return { lines, byThread }
}

describe('a tree read with the thread decoding gives the events of each file read alone', () => {
  it('every variant past the first batches (thread) and in them (main thread): the same events, in order', async () => {
    const dir = scratch()
    const originals = scratch()
    const files: string[] = []
    const variantFiles = writeVariants(originals)
    // 2,048 + 23 × the variants: the first 2,048 are read on the main thread, the rest by the thread.
    const total = 2048 + 23 * VARIANTS.length
    for (let i = 0; i < total; i++) {
      const sub = join(dir, String(Math.floor(i / 500)))
      mkdirSync(sub, { recursive: true })
      const [name] = VARIANTS[i % VARIANTS.length]!
      const path = join(sub, `f${String(i).padStart(4, '0')}-${name}`)
      copyFileSync(variantFiles[i % VARIANTS.length]!, path)
      files.push(path)
    }
    // Unreadable, a plain block in the thread's part (meaningful when not run as root: root
    // reads it, alike on both paths).
    const unreadableAt = VARIANTS.length * 90
    expect(VARIANTS[0]![0]).toBe('plain.pem')
    chmodSync(files[unreadableAt]!, 0o000)
    const { lines: whole, byThread } = await all([dir], true)
    // Without the thread's digests (--quiet, the table): the same events, the fingerprint computed when asked for.
    const unhashed = await all([dir], true, false)
    expect(unhashed.byThread).toBe(0)
    const alone: string[] = []
    for (const f of files) {
      const one = await all([f], false)
      expect(one.byThread).toBe(0)
      alone.push(...one.lines)
    }
    chmodSync(files[unreadableAt]!, 0o600)
    expect(whole.length).toBe(alone.length)
    expect(whole).toEqual(alone)
    expect(unhashed.lines).toEqual(alone)
    // Past the first 2,048 files (the thread's part), 23 of each variant.
    // The unreadable one (a plain block) is the main thread's when it cannot be opened.
    const unreadable = process.getuid?.() === 0 ? 0 : 1
    expect(byThread).toBe(VARIANTS.filter(([name, , decoded]) => decoded && name !== 'not-a-cert-der.pem').length * 23 - unreadable)
    // Both kinds of outcome came through the thread's part of the tree.
    const late = whole.filter((l) => /f2[3-5]\d\d-/.test(l))
    expect(late.some((l) => l.startsWith('cert') && l.includes('-plain.pem'))).toBe(true)
    expect(late.some((l) => l.startsWith('error') && l.includes('-not-a-cert-der.pem'))).toBe(true)
    expect(late.some((l) => l.startsWith('error') && l.includes('-bang.pem'))).toBe(true)
  }, 180_000)
})
