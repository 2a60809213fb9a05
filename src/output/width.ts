import { eastAsianWidth } from 'get-east-asian-width'

// Zero-width: combining marks, variation selectors, zero-width joiners and controls.
const ZERO_WIDTH = /[\p{Mn}\p{Me}\p{Cf}\p{Cc}]/u

/**
 * Terminal columns a string takes: 2 for Chinese (East Asian Wide/Fullwidth), 0 for
 * combining marks, 1 otherwise. string-width does the same with grapheme
 * segmentation, whose ICU set-up costs ~80 ms at start-up; certificate subjects
 * need no emoji clusters.
 */
export function displayWidth(text: string): number {
  let w = 0
  for (const ch of text) {
    const cp = ch.codePointAt(0)!
    if (cp < 0x7f) {
      if (cp >= 0x20) w++
      continue
    }
    // CJK ideographs and arrows (a subject in Chinese, the table's "→") hold no zero-width
    // character: no need for the property regex, whose first use compiles Unicode tables
    // (~0.3 ms of a one-file check-window).
    if (!((cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x2190 && cp <= 0x21ff)) && ZERO_WIDTH.test(ch)) continue
    w += eastAsianWidth(cp)
  }
  return w
}
