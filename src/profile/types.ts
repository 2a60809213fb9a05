import type { WindowPolicy } from '../cert/window.js'
import type { Vendor } from './vendors.js'

export interface BankProfile {
  name: string
  /** The embedded lab, not a bank: every output must say so. */
  lab: boolean
  /** What the customers call the key, per language (docs/glossary.md); the FAQ's 网银盾 / USB key by default. */
  keyName?: { 'zh-CN': string; en: string }
  /** Where it came from: 'built-in' or a file path. */
  source: string
  window: WindowPolicy
  vendors: Vendor[]
  pkcs11: {
    modules: string[]
    environment: Record<string, string>
    p11kit: boolean
  }
  /** The renewal server; null until a profile names one (the built-in FAQ profile cannot know the bank's). */
  renewal: { url: string; caCerts: string[]; tlsCaCerts: string[]; proxy?: string } | null
}
