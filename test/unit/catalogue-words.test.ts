import { describe, expect, it } from 'vitest'
import { en } from '../../src/i18n/en.js'
import { zhCN } from '../../src/i18n/zh-CN.js'
import { helpEn } from '../../src/i18n/help.en.js'
import { helpZhCN } from '../../src/i18n/help.zh-CN.js'
import { placeholders, translator, useKeyName } from '../../src/i18n/index.js'
import { parseProfile } from '../../src/profile/load.js'
import { NAMES, doubledWord, latinWords, prose } from '../helpers/zh-words.js'

// The catalogues held to docs/glossary.md: a Chinese screen is Chinese except for
// names that are names; one word for one thing; no doubled words; the same
// placeholders in both languages.

// With the help texts (src/i18n/help.ts: loaded apart, held to the same words).
const zh = { ...zhCN, ...helpZhCN } as Record<string, string>
const english = { ...en, ...helpEn } as Record<string, string>

describe('zh-CN screens are Chinese', () => {
  it('no Latin word in a zh message except the allowed names', () => {
    const offenders: string[] = []
    for (const [key, text] of Object.entries(zh)) {
      const stray = latinWords(prose(key, text)).filter((w) => !NAMES.has(w))
      if (stray.length) offenders.push(`${key}: ${stray.join(' ')}`)
    }
    expect(offenders).toEqual([])
  })

  it('no run of two or more English words in a zh message, names included, outside the lab and profile names', () => {
    const runs: string[] = []
    for (const [key, text] of Object.entries(zh)) {
      for (const m of prose(key, text).matchAll(/[A-Za-z][\w#.-]*(?:[ ,]+[A-Za-z][\w#.-]*)+/g)) {
        const words = latinWords(m[0])
        // Two names side by side are still names ("HTTP 403.7", "IE 浏览器" has one).
        if (words.some((w) => !NAMES.has(w))) runs.push(`${key}: ${m[0]}`)
      }
    }
    expect(runs).toEqual([])
  })

  it('the scan catches what it is for (the words of issue 13)', () => {
    const caught = (text: string) => latinWords(prose('x', text)).filter((w) => !NAMES.has(w))
    expect(caught('已回退：RENEWAL_UNAVAILABLE，经由 Implementation of PKCS11')).toEqual(['Implementation', 'of', 'PKCS11'])
    expect(caught('序列号前缀 serial-prefix 2115 → 厂商 21（profile）')).toEqual(['serial-prefix', 'profile'])
    expect(caught('（transport: ECONNREFUSED）')).toEqual(['transport', 'ECONNREFUSED'])
    expect(caught('请运行 `ukey renew --yes`，或用 --serial、UKEY_PIN')).toEqual([])
  })

  it('one word for one thing (docs/glossary.md)', () => {
    const banned = [/U ?盾/, /USB ?Key/i, /USBKEY/i, /更新期/, /证书更新/, /令牌/, /日志/, /受信任的站点/]
    const hits: string[] = []
    for (const [key, text] of Object.entries(zh)) for (const re of banned) if (re.test(text)) hits.push(`${key}: ${re}`)
    expect(hits).toEqual([])
    expect(zh['diagnose.title.0124']).toContain('生成密钥对失败')
    expect(zh['renew.step.window-checked']).toContain('换证期')
    expect(zh['diagnose.fix.installTool']).toContain('网银盾管理工具')
  })
})

describe('both catalogues', () => {
  it('no doubled words ("the the", 的的)', () => {
    const doubled: string[] = []
    for (const [lang, cat] of [['en', english], ['zh-CN', zh]] as const) {
      for (const [key, text] of Object.entries(cat)) {
        const d = doubledWord(prose(key, text))
        if (d) doubled.push(`${lang} ${key}: ${d}`)
      }
    }
    expect(doubled).toEqual([])
    expect(['Renew the the key', '证书的的有效期', '请换证换证', 'the them'].map(doubledWord)).toEqual(['the the', '的的', '换证换证', undefined])
  })

  it('each zh message has the placeholders of its English one (a plural count may exist in English only)', () => {
    const differ: string[] = []
    for (const key of Object.keys(english)) {
      const pluralOnly = new Set([...english[key]!.matchAll(/\{(\w+)\|/g)].map((m) => m[1]).filter((n) => !new RegExp(`\\{${n}[}:]`).test(english[key]!)))
      const want = [...new Set(placeholders(english[key]!))].filter((n) => !pluralOnly.has(n)).sort()
      const got = [...new Set(placeholders(zh[key]!))].filter((n) => !pluralOnly.has(n)).sort()
      if (want.join() !== got.join()) differ.push(`${key}: en ${want.join(',')} / zh ${got.join(',')}`)
    }
    expect(differ).toEqual([])
  })

  it('English plurals follow Intl.PluralRules: 1 day, 2 days, 0 days', () => {
    const t = translator('en')
    expect(t('show.daysLeftValue', { days: 1 })).toBe('1 day')
    expect(t('show.daysLeftValue', { days: 2 })).toBe('2 days')
    expect(t('show.daysLeftValue', { days: 0 })).toBe('0 days')
    expect(t('summary.line', { n: 1 })).toBe('Summary: 1 certificate')
    expect(translator('zh-CN')('show.daysLeftValue', { days: 1 })).toBe('1 天')
  })

  it('codes become words ({x:prefix}); --verbose shows the technical form', () => {
    const zhT = translator('zh-CN')
    expect(zhT('error.RENEWAL_UNAVAILABLE', { reason: 'ECONNREFUSED', detail: 'transport: ECONNREFUSED' })).toBe('换证未能完成（连接被拒绝），未做任何更改，请稍后重试')
    expect(zhT('error.RENEWAL_UNAVAILABLE', { reason: 'something-new', detail: 'x' })).toContain('银行换证服务器的应答无法使用')
    expect(translator('zh-CN', { verbose: true })('error.RENEWAL_UNAVAILABLE', { reason: 'ECONNREFUSED', detail: 'transport: ECONNREFUSED' })).toContain('transport: ECONNREFUSED')
    expect(zhT('diagnose.ev.token', { serial: '21', label: 'k', module: 'Implementation of PKCS11' })).not.toContain('Implementation')
    expect(zhT('diagnose.ev.vendorSignal', { evidence: 'serial-prefix', value: '2115…', code: '21' })).toBe('序列号前缀 2115…：厂商代码 21')
  })

  it('a bank profile names the key as its customers do (keyName): every message follows', () => {
    const profile = parseProfile(JSON.stringify({ keyName: { 'zh-CN': 'U盾' } }), 'bank.json')
    expect(profile.keyName).toEqual({ 'zh-CN': 'U盾', en: 'USB key' })
    try {
      useKeyName(profile.keyName)
      expect(translator('zh-CN')('diagnose.fix.installTool', { vendor: '握奇' })).toBe('请从银行网站（网上银行 → 下载）安装握奇的U盾管理工具，然后重试（常见问题 2、10.3）。')
      expect(translator('en')('detect.found', { n: 1 })).toBe('1 USB key found.')
    } finally {
      useKeyName(undefined)
    }
    expect(translator('zh-CN')('detect.found', { n: 2 })).toBe('找到 2 个网银盾。')
  })
})
