import { describe, expect, it } from 'vitest'
import { en } from '../../src/i18n/en.js'
import { zhCN } from '../../src/i18n/zh-CN.js'
import { helpEn } from '../../src/i18n/help.en.js'
import { helpZhCN } from '../../src/i18n/help.zh-CN.js'
import { helpTranslator } from '../../src/i18n/help.js'
import { resolveLang, translator, langFromLocale } from '../../src/i18n/index.js'

describe('catalogues', () => {
  it('zh-CN has exactly the English keys, none empty', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort())
    for (const [k, v] of Object.entries(zhCN)) expect(v, k).not.toBe('')
  })

  it('the help texts too, and they are not in the catalogues every command loads', () => {
    expect(Object.keys(helpZhCN).sort()).toEqual(Object.keys(helpEn).sort())
    for (const [k, v] of Object.entries(helpZhCN)) expect(v, k).not.toBe('')
    expect(Object.keys(helpEn).filter((k) => k in en)).toEqual([])
    expect(helpTranslator('en')('help.usage')).toBe('USAGE')
    expect(helpTranslator('zh-CN')('state.renewable')).toBe(zhCN['state.renewable'])
  })

  it('the Chinese catalogue is Chinese where it is prose', () => {
    expect(zhCN['state.renewable']).toMatch(/[\u4e00-\u9fff]/)
    expect(zhCN['advice.lapsed']).toMatch(/柜台/)
  })

  it('interpolates parameters and leaves unknown placeholders visible', () => {
    const t = translator('en')
    expect(t('error.INPUT_NOT_FOUND', { source: 'a.pem' })).toBe('a.pem: no such file or directory')
    expect(t('error.INPUT_NOT_FOUND')).toBe('{source}: no such file or directory')
    expect(translator('zh-CN')('error.INPUT_NOT_FOUND', { source: 'a.pem' })).toBe('a.pem：文件或目录不存在')
  })
})

describe('language choice', () => {
  it('--lang wins over the environment', () => {
    expect(resolveLang('en', { LANG: 'zh_CN.UTF-8' })).toBe('en')
    expect(resolveLang('zh', { LANG: 'en_US.UTF-8' })).toBe('zh-CN')
  })
  it('follows LC_ALL, then LC_MESSAGES, then LANG', () => {
    expect(resolveLang(undefined, { LC_ALL: 'zh_CN.UTF-8', LANG: 'en_US.UTF-8' })).toBe('zh-CN')
    expect(resolveLang(undefined, { LC_MESSAGES: 'en_GB.UTF-8', LANG: 'zh_CN.UTF-8' })).toBe('en')
    expect(resolveLang(undefined, { LANG: 'zh_TW.UTF-8' })).toBe('zh-CN')
    expect(resolveLang(undefined, { LANG: 'C.UTF-8' })).toBe('en')
  })
  it('an unknown locale falls back to English, not to a crash', () => {
    expect(resolveLang(undefined, { LANG: 'fr_FR.UTF-8' })).toBe('en')
    expect(langFromLocale('de')).toBeUndefined()
  })
})
