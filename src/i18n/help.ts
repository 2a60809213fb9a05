import { helpEn } from './help.en.js'
import { helpZhCN } from './help.zh-CN.js'
import { catalogue, translatorOver, type Lang, type MessageKey, type TranslateOptions } from './index.js'

// The help texts (`--help`, `ukey help`, the man pages) with the messages: only the
// help renderer (src/commands/help-class.ts) and the reference build load them. In
// the catalogues every command loads, they were a third of the text for nothing
// (bench/README.md, start-up).

export type HelpKey = keyof typeof helpEn
export type HelpTranslate = (key: MessageKey | HelpKey, params?: Record<string, string | number>) => string

const HELP: Record<Lang, Record<HelpKey, string>> = { 'zh-CN': helpZhCN, en: helpEn }

/** The messages and the help texts of `lang`. */
export function helpCatalogue(lang: Lang): Record<MessageKey | HelpKey, string> {
  return Object.assign({}, catalogue(lang), HELP[lang])
}

export function helpTranslator(lang: Lang, opts: TranslateOptions = {}): HelpTranslate {
  return translatorOver<MessageKey | HelpKey>(helpCatalogue(lang), helpCatalogue('en'), lang, opts)
}
