import { en, type MessageKey } from './en.js'
import { zhCN } from './zh-CN.js'
import { isPluralOne, pluralForms } from './plural.js'

export type { MessageKey }
export type Lang = 'zh-CN' | 'en'
export const LANGS: readonly Lang[] = ['zh-CN', 'en']

const CATALOGUES: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zhCN, en }

/** Maps a locale name (zh_CN.UTF-8, en-US, zh-Hans…) to a catalogue; undefined when none fits. */
export function langFromLocale(locale: string | undefined): Lang | undefined {
  if (!locale) return undefined
  const l = locale.toLowerCase()
  if (l.startsWith('zh')) return 'zh-CN'
  if (l.startsWith('en') || l === 'c' || l.startsWith('c.') || l === 'posix') return 'en'
  return undefined
}

/**
 * `--lang`, then the POSIX variables in their precedence (LC_ALL, LC_MESSAGES, LANG),
 * then the OS locale (Windows branch PCs have no LANG). Chinese when nothing says otherwise:
 * the tool is for Chinese bank branches first.
 */
export function resolveLang(flag?: string, env: NodeJS.ProcessEnv = process.env): Lang {
  const fromFlag = langFromLocale(flag)
  if (fromFlag) return fromFlag
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'LANG'] as const) {
    const v = env[name]
    if (v) return langFromLocale(v) ?? 'en'
  }
  return langFromLocale(Intl.DateTimeFormat().resolvedOptions().locale) ?? 'zh-CN'
}

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string

/**
 * A message split once into literal text (even indexes) and placeholders (odd):
 * `{name}` the value; `{name:prefix}` the catalogue's `prefix.<value>` (else
 * `prefix.other`, else the value): codes such as ECONNREFUSED or a step id become
 * words; `{name|one|other}` the English word form for the number (plural.ts).
 */
const PLACEHOLDER = /\{(\w+(?:[:|][\w.|-]*)?)\}/
function compile(text: string): string[] {
  return text.split(PLACEHOLDER)
}

/** The placeholder names of a message (the catalogue test holds zh and en to the same set). */
export function placeholders(text: string): string[] {
  return compile(text).filter((_, i) => i % 2 === 1).map((p) => p.split(/[:|]/)[0]!)
}

export interface TranslateOptions {
  /** Use a message's `.verbose` form where it has one: module files, ids, mechanisms, codes (--verbose). */
  verbose?: boolean
}

export function translator(lang: Lang, opts: TranslateOptions = {}): Translate {
  return translatorOver(CATALOGUES[lang], en, lang, opts)
}

/** A translator over catalogue `cat` (with `fallback` for a key it lacks): the help's (src/i18n/help.ts) adds its texts. */
export function translatorOver<K extends string>(cat: Record<string, string>, fallback: Record<string, string>, lang: Lang, opts: TranslateOptions = {}): (key: K, params?: Record<string, string | number>) => string {
  // Compiled on first use: a batch renders the same advice for thousands of rows.
  const compiled = new Map<string, Compiled>()
  const lookup = (prefix: string, value: string): string => cat[`${prefix}.${value}`] ?? cat[`${prefix}.other`] ?? value
  return (key, params) => {
    let c = compiled.get(key)
    if (!c) compiled.set(key, (c = compileSlots((opts.verbose ? cat[`${key}.verbose`] : undefined) ?? cat[key] ?? fallback[key] ?? key)))
    let out = c.head
    for (const slot of c.slots) {
      const value = params?.[slot.name]
      if (value === undefined) out += `{${slot.spec}}`
      else if (slot.kind === VALUE) out += String(value)
      else if (slot.kind === LOOKUP) out += lookup(slot.arg, String(value))
      else out += isPluralOne(lang, Number(value)) ? slot.forms[0] : slot.forms[1]
      out += slot.tail
    }
    return withTerms(out, lang)
  }
}

const VALUE = 0
const LOOKUP = 1
const PLURAL = 2

/**
 * A placeholder read once per message, not on every call: with plural.ts's cache,
 * check-window's advice went from 1.29 to 0.22 µs a row in English, 0.42 to 0.22 in
 * Chinese (bench/batch/per-cert.ts, adviceFor).
 */
interface Slot {
  spec: string
  name: string
  kind: typeof VALUE | typeof LOOKUP | typeof PLURAL
  /** LOOKUP: the catalogue prefix. */
  arg: string
  /** PLURAL: [one, other]. */
  forms: [string, string]
  /** The literal text after the placeholder. */
  tail: string
}
interface Compiled {
  head: string
  slots: Slot[]
}

function compileSlots(text: string): Compiled {
  const parts = compile(text)
  const slots: Slot[] = []
  for (let i = 1; i < parts.length; i += 2) {
    const spec = parts[i]!
    const cut = spec.search(/[:|]/)
    const name = cut === -1 ? spec : spec.slice(0, cut)
    const kind = cut === -1 ? VALUE : spec[cut] === ':' ? LOOKUP : PLURAL
    const arg = cut === -1 ? '' : spec.slice(cut + 1)
    slots.push({ spec, name, kind, arg, forms: kind === PLURAL ? pluralForms(arg) : ['', ''], tail: parts[i + 1]! })
  }
  return { head: parts[0]!, slots }
}

/**
 * The key's name from the bank profile (docs/glossary.md): the catalogues say 网银盾 /
 * USB key, as the FAQ does; a bank whose customers know it as U盾 names it in its
 * profile (`keyName`), and every message follows. Set once, when the profile is chosen.
 */
export const DEFAULT_KEY_NAME: Record<Lang, string> = { 'zh-CN': '网银盾', en: 'USB key' }
let keyName: Record<Lang, string> | undefined

export function useKeyName(name: Partial<Record<Lang, string>> | undefined): void {
  keyName = name && (name['zh-CN'] || name.en) ? { ...DEFAULT_KEY_NAME, ...name } : undefined
}

/** The key name set by useKeyName (undefined: the catalogues' own), as an identity: output/advice.ts keeps texts made with it. */
export function keyNameInUse(): unknown {
  return keyName
}

function withTerms(text: string, lang: Lang): string {
  if (!keyName || keyName[lang] === DEFAULT_KEY_NAME[lang]) return text
  return text.split(DEFAULT_KEY_NAME[lang]).join(keyName[lang])
}

export function catalogue(lang: Lang): Record<MessageKey, string> {
  return CATALOGUES[lang]
}
