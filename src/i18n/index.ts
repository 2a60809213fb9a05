import { en, type MessageKey } from './en.js'
import { zhCN } from './zh-CN.js'

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

/** A message split once into literal text (even indexes) and placeholder names (odd). */
function compile(text: string): string[] {
  return text.split(/\{(\w+)\}/)
}

export function translator(lang: Lang): Translate {
  const cat = CATALOGUES[lang]
  // Compiled on first use: a batch renders the same advice for thousands of rows.
  const compiled = new Map<MessageKey, string[]>()
  return (key, params) => {
    const text = cat[key] ?? en[key] ?? key
    if (!params) return text
    let parts = compiled.get(key)
    if (!parts) compiled.set(key, (parts = compile(text)))
    let out = parts[0]!
    for (let i = 1; i < parts.length; i += 2) {
      const name = parts[i]!
      out += (name in params ? String(params[name]) : `{${name}}`) + parts[i + 1]!
    }
    return out
  }
}

export function catalogue(lang: Lang): Record<MessageKey, string> {
  return CATALOGUES[lang]
}
