import type { MessageKey } from '../i18n/index.js'

// oclif's parser says what went wrong in English sentences (its parser/errors.js,
// parser/parse.js, parser/validate.js, config.runCommand). They are read back
// here into a catalogue message, so a usage error reads in the user's language
// on both paths (the check-window fast path leaves every usage error to oclif).
// A sentence not recognised keeps oclif's text inside the catalogue's frame.

export interface UsageProblem {
  key: MessageKey
  params: Record<string, string | number>
}

/** What the command line could have said: for "did you mean". */
export interface UsageVocabulary {
  flags?: readonly string[]
  commands?: readonly string[]
}

const PATTERNS: Array<[RegExp, (m: RegExpExecArray, v: UsageVocabulary) => UsageProblem]> = [
  [/^Nonexistent flags?: (.+)$/, (m, v) => unknownFlag(m[1]!.split(', '), v)],
  [/^Unexpected argument(?:s)?: (.+)$/, (m) => ({ key: 'usage.unexpectedArgs', params: { args: m[1]!, count: m[1]!.split(', ').length } })],
  [/^Missing \d+ required args?(?::\n([\s\S]*))?$/, (m) => ({ key: 'usage.missingArg', params: { arg: argNames(m[1]) } })],
  [/^Expected --([\w-]+)=(.*) to be one of: (.+)$/, (m) => ({ key: 'usage.badOption', params: { flag: `--${m[1]}`, value: m[2]!, options: m[3]! } })],
  [/^Flag --([\w-]+) expects one of these values: (.+)$/, (m) => ({ key: 'usage.missingValue', params: { flag: `--${m[1]}` } })],
  [/^Flag --([\w-]+) expects a value$/, (m) => ({ key: 'usage.missingValue', params: { flag: `--${m[1]}` } })],
  [/^Flag --([\w-]+) can only be specified once$/, (m) => ({ key: 'usage.twice', params: { flag: `--${m[1]}` } })],
  [/--([\w-]+)(?:=\S*)? cannot also be provided when using --([\w-]+)/, (m) => ({ key: 'usage.exclusive', params: { flag: `--${m[1]}`, other: `--${m[2]}` } })],
  [/^Parsing --([\w-]+)\s+Expected an integer but received: (.*)$/, (m) => ({ key: 'usage.notInteger', params: { flag: `--${m[1]}`, value: m[2]! } })],
  [/^command (\S+) not found$/, (m, v) => unknownCommand(m[1]!, v)],
]

/** The catalogue message for one of oclif's usage errors. */
export function usageProblem(message: string, vocabulary: UsageVocabulary = {}): UsageProblem {
  const text = message.replace(/\nSee more help with --help$/, '').trim()
  // oclif colours parts of some messages (validate.js): the patterns read plain text.
  const plain = text.replace(/\u001b\[[0-9;]*m/g, '')
  for (const [re, make] of PATTERNS) {
    const m = re.exec(plain)
    if (m) return make(m, vocabulary)
  }
  return { key: 'usage.other', params: { detail: plain } }
}

function argNames(list: string | undefined): string {
  const names = (list ?? '').split('\n').map((l) => l.trim().split(/\s+/)[0]).filter(Boolean)
  return names.join(', ') || '?'
}

function unknownFlag(flags: string[], v: UsageVocabulary): UsageProblem {
  const flag = flags.join(', ')
  const suggestion = flags.length === 1 ? closest(flags[0]!.replace(/^-+/, '').replace(/=.*$/, ''), v.flags ?? []) : undefined
  return suggestion ? { key: 'usage.unknownFlagDid', params: { flag, suggestion: `--${suggestion}` } } : { key: 'usage.unknownFlag', params: { flag } }
}

function unknownCommand(id: string, v: UsageVocabulary): UsageProblem {
  // With a space as topic separator oclif joins the arguments into the id ("chek-window:cert.pem"): the command words only.
  const words = id.split(':')
  const cut = words.findIndex((w) => !/^[a-z][a-z0-9-]*$/.test(w))
  const command = (cut === -1 ? words : words.slice(0, Math.max(1, cut))).join(' ')
  const suggestion = closest(command, (v.commands ?? []).map((c) => c.replace(/:/g, ' ')))
  return suggestion ? { key: 'usage.unknownCommandDid', params: { command, suggestion } } : { key: 'usage.unknownCommand', params: { command } }
}

/** The nearest word within two edits (a typo: --jsn, chek-window), if one is clearly nearest. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  // Two edits turn any short word into another: no guess for those.
  if (word.length < 3) return undefined
  let best: string | undefined
  let bestDistance = 3
  for (const c of candidates) {
    const d = editDistance(word, c)
    if (d < bestDistance) [best, bestDistance] = [c, d]
  }
  return best
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    prev = row
  }
  return prev[b.length]!
}
