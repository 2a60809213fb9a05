import { eastAsianWidth } from 'get-east-asian-width'
import { describe, expect, it } from 'vitest'
import { displayWidth } from '../../src/output/width.js'

describe('displayWidth', () => {
  it('every code point: 0 for combining marks, format and control characters, else its East Asian width (the shortcut for CJK and arrows included)', () => {
    const zeroWidth = /[\p{Mn}\p{Me}\p{Cf}\p{Cc}]/u
    const wrong: string[] = []
    for (let cp = 0x7f; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue
      const ch = String.fromCodePoint(cp)
      const want = zeroWidth.test(ch) ? 0 : eastAsianWidth(cp)
      if (displayWidth(ch) !== want) wrong.push(cp.toString(16))
    }
    expect(wrong).toEqual([])
  })

  it('a Chinese subject and a period column as a technician sees them', () => {
    expect(displayWidth('CN=张三,O=测试银行')).toBe(3 + 4 + 3 + 8)
    expect(displayWidth('2027-10-31 → 2028-02-28')).toBe(23)
    expect(displayWidth('e\u0301')).toBe(1)
  })
})
