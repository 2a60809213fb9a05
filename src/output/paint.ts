import { Chalk, type ChalkInstance } from 'chalk'

// One palette for every command: a window state (check-window, show-cert) or a
// diagnosis outcome and verdict (diagnose) names its colour.
const STYLE: Record<string, (c: ChalkInstance) => ChalkInstance> = {
  'not-yet-valid': (c) => c.magenta, // the clock is wrong
  valid: (c) => c.green,
  renewable: (c) => c.yellow, // act now
  grace: (c) => c.red,
  lapsed: (c) => c.redBright.bold,
  pass: (c) => c.green,
  yes: (c) => c.green,
  ok: (c) => c.green,
  fail: (c) => c.red,
  no: (c) => c.red,
  faulty: (c) => c.redBright.bold,
  action: (c) => c.yellow,
  unknown: (c) => c.yellow,
  shown: (c) => c.cyan,
  skipped: (c) => c.gray,
}

/** Paints `text` in the colour of `kind` (a window state, a step outcome, a verdict). */
export type Painter = (kind: string, text: string) => string

/** Colours for a terminal; plain text when colour is off (NO_COLOR, pipes). */
export function painter(color: boolean): Painter {
  if (!color) return (_kind, text) => text
  const chalk = new Chalk({ level: 1 })
  return (kind, text) => STYLE[kind]?.(chalk)(text) ?? text
}
