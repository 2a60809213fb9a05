// A command's flags as plain data, and a parser for the command lines that need
// no doubt about their meaning. The fast path of check-window parses with it
// and hands anything else to oclif. The spec is derived from the oclif command
// class at build time (scripts/build.mjs), never written by hand.

export interface FlagSpec {
  name: string
  char?: string
  type: 'boolean' | 'option'
  /** The values an option flag accepts, when it restricts them. */
  options?: string[]
  default?: string
  /** Flags that may not be given together with this one. */
  exclusive?: string[]
}

export interface CommandSpec {
  id: string
  flags: FlagSpec[]
}

/** What oclif's parser gives a command: flags by name (defaults applied) and the positional arguments. */
export interface ParsedCommandLine {
  flags: Record<string, string | boolean>
  argv: string[]
}

/** The parts of an oclif command class the spec is made from (no import of oclif here). */
export interface CommandDefinition {
  id?: string
  flags?: Record<string, unknown>
  baseFlags?: Record<string, unknown>
  args?: Record<string, unknown>
  strict?: boolean
}

/** oclif's own parse functions of Flags.boolean(), Flags.string() and Args.string(): a flag with another one is not plain. */
export interface DefaultParsers {
  boolean: unknown
  option: unknown
  arg: unknown
}

const PLAIN_FLAG_KEYS = new Set(['name', 'parse', 'description', 'summary', 'helpGroup', 'hidden', 'input', 'multiple', 'type', 'options', 'default', 'char', 'allowNo', 'exclusive'])
const PLAIN_ARG_KEYS = new Set(['name', 'description', 'ignoreStdin', 'input', 'type', 'parse', 'required'])

/**
 * The flag spec of an oclif command. Throws on anything the fast parser would
 * not read exactly as oclif does (env-backed, repeatable, negatable flags,
 * relationships, custom parsing, strict commands, stdin arguments…): extend the
 * parser and its test before allowing more.
 */
export function commandSpec(id: string, cmd: CommandDefinition, parsers: DefaultParsers): CommandSpec {
  const refuse = (what: string): never => {
    throw new Error(`fast path for ${id}: ${what} is not understood by src/fast/flag-spec.ts`)
  }
  if (cmd.strict !== false) refuse('a strict command (fixed arguments)')
  for (const [name, a] of Object.entries(cmd.args ?? {})) {
    const arg = a as Record<string, unknown>
    for (const k of Object.keys(arg)) if (!PLAIN_ARG_KEYS.has(k)) refuse(`argument ${name}: "${k}"`)
    if (arg['ignoreStdin'] !== true) refuse(`argument ${name} without ignoreStdin (oclif would read stdin)`)
    if (arg['required']) refuse(`required argument ${name}`)
    if (arg['parse'] !== undefined && String(arg['parse']) !== String(parsers.arg)) refuse(`argument ${name}: its own parse`)
  }
  const all = { ...cmd.baseFlags, ...cmd.flags }
  const flags: FlagSpec[] = []
  for (const [name, f] of Object.entries(all)) {
    const flag = f as Record<string, unknown>
    for (const k of Object.keys(flag)) if (!PLAIN_FLAG_KEYS.has(k)) refuse(`flag --${name}: "${k}"`)
    const type = flag['type']
    if (type !== 'boolean' && type !== 'option') refuse(`flag --${name} of type ${String(type)}`)
    if (String(flag['parse']) !== String(type === 'boolean' ? parsers.boolean : parsers.option)) refuse(`flag --${name}: its own parse`)
    if (flag['multiple']) refuse(`flag --${name}: multiple`)
    if (flag['allowNo']) refuse(`flag --${name}: allowNo`)
    if (Array.isArray(flag['input']) && flag['input'].length > 0) refuse(`flag --${name}: input`)
    const spec: FlagSpec = { name, type: type as FlagSpec['type'] }
    const char = flag['char']
    if (char !== undefined) {
      if (typeof char !== 'string' || !/^[a-zA-Z]$/.test(char)) refuse(`flag --${name}: char ${String(char)}`)
      spec.char = char as string
    }
    const options = flag['options']
    if (options !== undefined) {
      if (type !== 'option' || !Array.isArray(options) || !options.every((o) => typeof o === 'string')) refuse(`flag --${name}: options`)
      spec.options = [...(options as string[])]
    }
    const dflt = flag['default']
    if (dflt !== undefined) {
      if (type !== 'option' || typeof dflt !== 'string') refuse(`flag --${name}: a default that is not a fixed string`)
      spec.default = dflt as string
    }
    const exclusive = flag['exclusive']
    if (exclusive !== undefined) {
      if (!Array.isArray(exclusive) || !exclusive.every((e) => typeof e === 'string' && e in all)) refuse(`flag --${name}: exclusive`)
      spec.exclusive = [...(exclusive as string[])]
    }
    flags.push(spec)
  }
  return { id, flags }
}

/**
 * Parses `argv` (after the command id) when every word has one meaning, the
 * same for this parser and for oclif; undefined otherwise, and oclif takes
 * over (help, usage errors, every unusual form). Accepted: `--name`, `--name
 * value`, `--name=value`, `-c`, `-c value`, and positional words that do not
 * start with "-" (or are "-", standard input). Not accepted: grouped or inline
 * short flags (`-rq`, `-ojson`), `--`, a flag twice, an empty word, a
 * positional word that occurs twice in the line, a value that is empty or
 * starts with "-" or is outside the flag's options, exclusive flags together.
 */
export function parseFast(argv: readonly string[], spec: CommandSpec): ParsedCommandLine | undefined {
  const byName = new Map(spec.flags.map((f) => [`--${f.name}`, f]))
  for (const f of spec.flags) if (f.char) byName.set(`-${f.char}`, f)
  const given = new Map<string, string | boolean>()
  const positional: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!
    // oclif moves empty words around among the positional ones.
    if (word === '') return undefined
    if (word === '-' || !word.startsWith('-')) {
      positional.push(word)
      continue
    }
    const eq = word.startsWith('--') ? word.indexOf('=') : -1
    const flag = byName.get(eq === -1 ? word : word.slice(0, eq))
    if (!flag || given.has(flag.name)) return undefined
    if (flag.type === 'boolean') {
      if (eq !== -1) return undefined
      given.set(flag.name, true)
      continue
    }
    const value = eq === -1 ? argv[++i] : word.slice(eq + 1)
    if (value === undefined || value === '' || value.startsWith('-')) return undefined
    if (flag.options && !flag.options.includes(value)) return undefined
    given.set(flag.name, value)
  }
  // oclif orders the positional words by where each first occurs in the whole line:
  // a word given twice, or also as a flag's value, may move.
  if (positional.some((word) => argv.indexOf(word) !== argv.lastIndexOf(word))) return undefined
  for (const f of spec.flags) if (given.has(f.name) && f.exclusive?.some((other) => given.has(other))) return undefined
  const flags: Record<string, string | boolean> = {}
  for (const f of spec.flags) {
    const v = given.get(f.name) ?? f.default
    if (v !== undefined) flags[f.name] = v
  }
  return { flags, argv: positional }
}
