import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { expandInputs } from '../../src/hardware/soft-store/sources.js'

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
