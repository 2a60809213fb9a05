import { Chalk, type ChalkInstance } from 'chalk'
import type { Ui } from '../app/ui.js'

const STYLE: Record<string, (c: ChalkInstance) => ChalkInstance> = {
  'not-yet-valid': (c) => c.magenta, // the clock is wrong
  valid: (c) => c.green,
  renewable: (c) => c.yellow, // act now
  grace: (c) => c.red,
  lapsed: (c) => c.redBright.bold,
}

/** Colours a window state for a terminal; plain text when colour is off (NO_COLOR, pipes). */
export function statePainter(ui: Ui): (state: string, text: string) => string {
  if (!ui.color) return (_s, text) => text
  const chalk = new Chalk({ level: 1 })
  return (state, text) => STYLE[state]?.(chalk)(text) ?? text
}
