import { Chalk, type ChalkInstance } from 'chalk'

// One palette for every command: a window state (check-window, show-cert) or a
// diagnosis outcome and verdict (diagnose) names its colour.
const PALETTE: Array<[kinds: string[], colour: (c: ChalkInstance) => ChalkInstance]> = [
  [['valid', 'pass', 'yes', 'ok'], (c) => c.green],
  [['renewable', 'action', 'unknown'], (c) => c.yellow], // act now / look here
  [['grace', 'fail', 'no'], (c) => c.red],
  [['lapsed', 'faulty'], (c) => c.redBright.bold],
  [['not-yet-valid'], (c) => c.magenta], // the clock is wrong
  [['shown'], (c) => c.cyan],
  [['skipped'], (c) => c.gray],
]
const STYLE = new Map(PALETTE.flatMap(([kinds, colour]) => kinds.map((k) => [k, colour] as const)))

/** Paints `text` in the colour of `kind` (a window state, a step outcome, a verdict). */
export type Painter = (kind: string, text: string) => string

/** Colours for a terminal; plain text when colour is off (NO_COLOR, pipes). */
export function painter(color: boolean): Painter {
  if (!color) return (_kind, text) => text
  const chalk = new Chalk({ level: 1 })
  return (kind, text) => STYLE.get(kind)?.(chalk)(text) ?? text
}
