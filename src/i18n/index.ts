import { en, type MessageKey } from './en.js'
import { zhCN } from './zh-CN.js'
import { pluralForm } from './plural.js'

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
  const compiled = new Map<string, string[]>()
  const lookup = (prefix: string, value: string): string => cat[`${prefix}.${value}`] ?? cat[`${prefix}.other`] ?? value
  return (key, params) => {
    const text = (opts.verbose ? cat[`${key}.verbose`] : undefined) ?? cat[key] ?? fallback[key] ?? key
    let parts = compiled.get(key)
    if (!parts) compiled.set(key, (parts = compile(text)))
    let out = parts[0]!
    for (let i = 1; i < parts.length; i += 2) {
      const spec = parts[i]!
      const cut = spec.search(/[:|]/)
      const name = cut === -1 ? spec : spec.slice(0, cut)
      const value = params?.[name]
      if (value === undefined) out += `{${spec}}`
      else if (cut === -1) out += String(value)
      else if (spec[cut] === ':') out += lookup(spec.slice(cut + 1), String(value))
      else out += pluralForm(lang, Number(value), spec.slice(cut + 1))
      out += parts[i + 1]!
    }
    return withTerms(out, lang)
  }
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

function withTerms(text: string, lang: Lang): string {
  if (!keyName || keyName[lang] === DEFAULT_KEY_NAME[lang]) return text
  return text.split(DEFAULT_KEY_NAME[lang]).join(keyName[lang])
}

export function catalogue(lang: Lang): Record<MessageKey, string> {
  return CATALOGUES[lang]
}
