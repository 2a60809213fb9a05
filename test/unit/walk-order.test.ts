import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { InputWalk, expandInputs } from '../../src/hardware/soft-store/sources.js'

// The walk hands files out in name order (JavaScript's, UTF-16 code units), folder by
// folder: the order of every batch's output. It skips its sort when the listing is
// already in order (libuv sorts by strcmp), so a listing whose two orders differ
// must still come out in the one order.
const root = mkdtempSync(join(tmpdir(), 'ukey-walk-order-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const names = (dir: string, recursive = false): string[] =>
  [...expandInputs([dir], recursive)].map((e) => (e.ok ? e.source.path : `error ${e.path}`).slice(dir.length + 1))

describe('expandInputs: name order', () => {
  it('plain names, made out of order: sorted', () => {
    const dir = join(root, 'plain')
    mkdirSync(dir)
    for (const n of ['c.pem', 'a.pem', 'B.pem', 'b.crt', 'a0.pem', '10.pem', '9.pem', 'notes.txt']) writeFileSync(join(dir, n), '')
    expect(names(dir)).toEqual(['10.pem', '9.pem', 'B.pem', 'a.pem', 'a0.pem', 'b.crt', 'c.pem'])
  })

  it('names whose UTF-8 and UTF-16 orders differ (a character beyond U+FFFF against U+FF21): UTF-16 order', () => {
    const dir = join(root, 'astral')
    mkdirSync(dir)
    const astral = '\u{1F510}.pem'
    const fullwidth = '\uFF21.pem'
    const han = '\u5F20\u4E09.pem'
    for (const n of [fullwidth, astral, han, 'z.pem']) writeFileSync(join(dir, n), '')
    const expected = ['z.pem', han, astral, fullwidth]
    expect([...expected].sort()).toEqual(expected)
    expect(names(dir)).toEqual(expected)
  })

  it('subfolders walked in place with -r, in order', () => {
    const dir = join(root, 'tree')
    for (const sub of ['b', 'a', 'a/z', 'a/y']) mkdirSync(join(dir, sub), { recursive: true })
    for (const f of ['b/2.pem', 'b/1.pem', 'a/z/x.pem', 'a/y/x.pem', 'a/0.pem', 'top.pem']) writeFileSync(join(dir, f), '')
    expect(names(dir, true)).toEqual(['a/0.pem', 'a/y/x.pem', 'a/z/x.pem', 'b/1.pem', 'b/2.pem', 'top.pem'])
  })
})

describe('InputWalk: a batch at a time', () => {
  // read-certificates.ts takes the walk in batches: where a batch ends must change nothing.
  const dir = join(root, 'batches')
  for (const sub of ['a/deep/er', 'b', 'empty']) mkdirSync(join(dir, sub), { recursive: true })
  for (const f of ['a/1.pem', 'a/2.crt', 'a/deep/3.der', 'a/deep/er/4.p12', 'a/notes.txt', 'b/5.cer', 'top.pem']) writeFileSync(join(dir, f), '')
  symlinkSync(join(dir, 'top.pem'), join(dir, 'b/link.pem'))
  symlinkSync(join(dir, 'nowhere.pem'), join(dir, 'b/dangling.pem'))
  symlinkSync(join(dir, 'a'), join(dir, 'b/folder-link.pem'))
  const inputs = [join(dir, 'a'), join(root, 'missing.pem'), '-', dir, join(dir, 'top.pem')]
  const shown = (events: ReturnType<InputWalk['take']>): string[] =>
    events.map((e) => (e.ok ? `${e.source.kind} ${e.source.path.replace(root, '')} ${'regular' in e.source ? e.source.regular : '-'}` : `error ${e.path.replace(root, '')} ${e.error.code}`))

  it('the events of every batch size, in order: the same, and the same as expandInputs', () => {
    const all = shown(new InputWalk(inputs, true).take(1000))
    expect(all).toEqual([
      'file /batches/a/1.pem true',
      'file /batches/a/2.crt true',
      'file /batches/a/deep/3.der true',
      'file /batches/a/deep/er/4.p12 true',
      'error /missing.pem INPUT_NOT_FOUND',
      'stdin - -',
      'file /batches/a/1.pem true',
      'file /batches/a/2.crt true',
      'file /batches/a/deep/3.der true',
      'file /batches/a/deep/er/4.p12 true',
      'file /batches/b/5.cer true',
      'error /batches/b/dangling.pem INPUT_NOT_FOUND',
      'file /batches/b/link.pem false',
      'file /batches/top.pem true',
      'file /batches/top.pem -',
    ])
    for (const size of [1, 2, 3, 5, 14, 15]) {
      const walk = new InputWalk(inputs, true)
      const got: ReturnType<InputWalk['take']> = []
      for (let batch = walk.take(size); batch.length; batch = walk.take(size)) {
        expect(batch.length).toBeLessThanOrEqual(size)
        got.push(...batch)
      }
      expect(shown(got)).toEqual(all)
    }
    expect(shown([...expandInputs(inputs, true)])).toEqual(all)
  })

  it("without -r: a named folder's own files only", () => {
    expect(shown(new InputWalk([dir], false).take(100))).toEqual(['file /batches/top.pem true'])
    expect(shown(new InputWalk([join(dir, 'b')], false).take(100))).toEqual(['file /batches/b/5.cer true', 'error /batches/b/dangling.pem INPUT_NOT_FOUND', 'file /batches/b/link.pem false'])
  })
})
