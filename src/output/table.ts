import { terminalText } from './terminal-text.js'
import { displayWidth as stringWidth } from './width.js'

/**
 * Column layout that measures display width, so Chinese (full-width) subjects
 * line up with Latin text in a terminal.
 */
export interface Column {
  header: string
  /** Longest a cell may be before it is shortened with an ellipsis. */
  max?: number
  /** Shorten from the left: keeps the file name of a long path. */
  keepEnd?: boolean
}

export function fit(text: string, width: number, keepEnd = false): string {
  if (stringWidth(text) <= width) return text
  const chars = Array.from(text)
  let out = ''
  let w = 0
  const seq = keepEnd ? chars.reverse() : chars
  for (const ch of seq) {
    const cw = stringWidth(ch)
    if (w + cw > width - 1) break
    out = keepEnd ? ch + out : out + ch
    w += cw
  }
  return keepEnd ? '…' + out : out + '…'
}

export function pad(text: string, width: number): string {
  const w = stringWidth(text)
  return w >= width ? text : text + ' '.repeat(width - w)
}

/** Widths from the headers and a sample of rows; later rows are fitted to them. */
export function measure(columns: Column[], rows: string[][]): number[] {
  return columns.map((c, i) => {
    let w = stringWidth(c.header)
    for (const r of rows) w = Math.max(w, stringWidth(terminalText(r[i] ?? '')))
    return c.max ? Math.min(w, c.max) : w
  })
}

export function renderRow(cells: string[], widths: number[], columns: Column[]): string {
  const last = cells.length - 1
  return cells
    .map((c, i) => {
      // Cells carry paths and subjects: measured and cut in the form the terminal will show.
      const fitted = fit(terminalText(c), widths[i]!, columns[i]?.keepEnd)
      return i === last ? fitted : pad(fitted, widths[i]!)
    })
    .join('  ')
    .trimEnd()
}
