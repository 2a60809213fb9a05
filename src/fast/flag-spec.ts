// A command's flags as plain data, and a parser for the command lines that need
// no doubt about their meaning. The fast paths (check-window, detect, diagnose)
// parse with it and hand anything else to oclif. The spec is derived from the oclif command
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
  /** A boolean that also takes `--no-NAME` (false). */
  allowNo?: boolean
  /** A boolean's default (oclif sets it when the flag is not given). */
  booleanDefault?: boolean
  /** Given at all, the line goes to oclif (a flag the fast parser does not read); its default still applies. */
  oclifOnly?: boolean
  /** The default of an oclif-only flag, as oclif gives it (a number for Flags.integer). */
  value?: string | number | boolean
}

export interface CommandSpec {
  id: string
  flags: FlagSpec[]
  /** A strict command's arguments, by name in order: more positional words than these go to oclif (its usage error). */
  args?: string[]
}

/** What oclif's parser gives a command: flags by name (defaults applied) and the positional arguments. */
export interface ParsedCommandLine {
  flags: Record<string, string | boolean | number>
  argv: string[]
  /** A strict command's arguments by name (absent when not given, as oclif). */
  args?: Record<string, string>
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
 * not read exactly as oclif does (env-backed, repeatable flags, relationships,
 * custom parsing, stdin arguments…): extend the parser and its test before
 * allowing more. `strict`: the command is strict (fixed arguments) and its
 * caller knows it; `oclifOnly`: flags left to oclif whenever given (detect's
 * --watch, diagnose's repeatable --soft-store), only their defaults applied.
 */
export function commandSpec(id: string, cmd: CommandDefinition, parsers: DefaultParsers, opts: { strict?: boolean; oclifOnly?: string[] } = {}): CommandSpec {
  const refuse = (what: string): never => {
    throw new Error(`fast path for ${id}: ${what} is not understood by src/fast/flag-spec.ts`)
  }
  // A strict command refuses extra words: the fast path only when the caller says so (it then counts them).
  if (cmd.strict !== false && !opts.strict) refuse('a strict command (fixed arguments)')
  for (const [name, a] of Object.entries(cmd.args ?? {})) {
    const arg = a as Record<string, unknown>
    for (const k of Object.keys(arg)) if (!PLAIN_ARG_KEYS.has(k)) refuse(`argument ${name}: "${k}"`)
    if (arg['ignoreStdin'] !== true) refuse(`argument ${name} without ignoreStdin (oclif would read stdin)`)
    if (arg['required']) refuse(`required argument ${name}`)
    if (arg['parse'] !== undefined && String(arg['parse']) !== String(parsers.arg)) refuse(`argument ${name}: its own parse`)
  }
  const all = { ...cmd.baseFlags, ...cmd.flags }
  const flags: FlagSpec[] = []
  for (const name of opts.oclifOnly ?? []) if (!(name in all)) refuse(`oclif-only flag --${name}: no such flag`)
  for (const [name, f] of Object.entries(all)) {
    const flag = f as Record<string, unknown>
    if (opts.oclifOnly?.includes(name)) {
      // Named by the caller: the line goes to oclif whenever it is given; only its default is needed here.
      const dflt = flag['default']
      if (dflt !== undefined && !['string', 'number', 'boolean'].includes(typeof dflt)) refuse(`oclif-only flag --${name}: a default that is not a fixed value`)
      flags.push(dflt === undefined ? { name, type: 'option', oclifOnly: true } : { name, type: 'option', oclifOnly: true, value: dflt as string | number | boolean })
      continue
    }
    for (const k of Object.keys(flag)) if (!PLAIN_FLAG_KEYS.has(k)) refuse(`flag --${name}: "${k}"`)
    const type = flag['type']
    if (type !== 'boolean' && type !== 'option') refuse(`flag --${name} of type ${String(type)}`)
    if (String(flag['parse']) !== String(type === 'boolean' ? parsers.boolean : parsers.option)) refuse(`flag --${name}: its own parse`)
    if (flag['multiple']) refuse(`flag --${name}: multiple`)
    if (flag['allowNo'] && type !== 'boolean') refuse(`flag --${name}: allowNo`)
    if (Array.isArray(flag['input']) && flag['input'].length > 0) refuse(`flag --${name}: input`)
    const spec: FlagSpec = { name, type: type as FlagSpec['type'] }
    if (flag['allowNo']) spec.allowNo = true
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
    if (dflt !== undefined && type === 'boolean' && typeof dflt === 'boolean') spec.booleanDefault = dflt
    else if (dflt !== undefined) {
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
  return opts.strict ? { id, flags, args: Object.keys(cmd.args ?? {}) } : { id, flags }
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
  for (const f of spec.flags) if (f.allowNo) byName.set(`--no-${f.name}`, f)
  const given = new Map<string, string | boolean>()
  const positional: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!
    // oclif moves empty words around among the positional ones.
    if (word === '') return undefined
    if (word === '-' || !word.startsWith('-')) {
      // A strict command's "-" is not a file name for it: oclif decides.
      if (spec.args && word === '-') return undefined
      positional.push(word)
      continue
    }
    const eq = word.startsWith('--') ? word.indexOf('=') : -1
    const flag = byName.get(eq === -1 ? word : word.slice(0, eq))
    if (!flag || flag.oclifOnly || given.has(flag.name)) return undefined
    if (flag.type === 'boolean') {
      if (eq !== -1) return undefined
      given.set(flag.name, word !== `--no-${flag.name}`)
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
  if (spec.args && positional.length > spec.args.length) return undefined
  for (const f of spec.flags) if (given.has(f.name) && f.exclusive?.some((other) => given.has(other))) return undefined
  const flags: Record<string, string | boolean | number> = {}
  for (const f of spec.flags) {
    const v = given.get(f.name) ?? f.default ?? f.booleanDefault ?? f.value
    if (v !== undefined) flags[f.name] = v
  }
  if (!spec.args) return { flags, argv: positional }
  const args: Record<string, string> = {}
  spec.args.forEach((name, i) => {
    if (positional[i] !== undefined) args[name] = positional[i]!
  })
  return { flags, argv: positional, args }
}
