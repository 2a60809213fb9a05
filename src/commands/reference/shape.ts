import { RULES } from '../../troubleshoot/rules/index.js'

/**
 * What completion scripts and man pages need of a command: its id, flags and
 * arguments — the same metadata oclif hands the help class (src/commands/help-class.ts),
 * read off the command classes at build time or off oclif's config at run time.
 */
export interface FlagShape {
  name: string
  char?: string | undefined
  type: 'boolean' | 'option'
  options?: readonly string[] | undefined
  default?: unknown
  helpGroup?: string | undefined
  hidden?: boolean | undefined
  allowNo?: boolean | undefined
}

export interface CommandShape {
  id: string
  hidden?: boolean | undefined
  flags: Record<string, FlagShape>
  args: Record<string, { name: string; required?: boolean | undefined }>
}

/** What a command class declares (oclif's static flags, baseFlags and args). */
interface CommandClass {
  flags?: Record<string, Omit<FlagShape, 'name'>>
  baseFlags?: Record<string, Omit<FlagShape, 'name'>>
  args?: Record<string, object>
  hidden?: boolean
}

export function shapesOf(commands: Record<string, CommandClass>): CommandShape[] {
  return Object.entries(commands).map(([id, c]) => ({
    id,
    hidden: c.hidden,
    flags: Object.fromEntries(Object.entries({ ...c.flags, ...c.baseFlags }).map(([name, f]) => [name, { ...f, name }])),
    args: Object.fromEntries(Object.keys(c.args ?? {}).map((name) => [name, { name }])),
  }))
}

/** Values a positional argument can take, where ukey knows them: the codes `ukey diagnose` walks. */
export function argumentValues(id: string): string[] {
  return id === 'diagnose' ? RULES.map((r) => r.code) : []
}
