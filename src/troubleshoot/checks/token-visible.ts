import type { PhysicalKey } from '../../hardware/physical-keys.js'
import type { Probes } from '../probes.js'
import { usbKeyName } from '../../hardware/usb/types.js'
import type { LocalValue, Message } from '../types.js'
import type { Vendor } from '../../profile/vendors.js'
import { msg, type Check } from './check.js'

/** The key as its module shows it: what the bank's control reads the serial from (9002). */
export const tokenVisible: Check = async (probes) => {
  const { report } = await probes.tokens()
  const loaded = report.modules.filter((m) => m.loaded)
  const evidence: Message[] = [msg('diagnose.ev.modules', { loaded: loaded.length, total: report.modules.length })]
  for (const t of report.tokens) evidence.push(msg('diagnose.ev.token', { serial: t.info.serial, label: t.info.label, module: t.info.module.description || t.info.module.path }))
  const unseen = await probes.unseenUsbKeys()
  // A bank key on the bus that no module sees is the key in question, even when a
  // software or lab token is visible beside it.
  if (unseen.length) {
    const k = unseen[0]!
    evidence.push(msg('diagnose.ev.usbUnseen', { device: usbKeyName(k.usb!.key) }))
    // Its own vendor's module loads and still does not see it: ukey's evidence points at the key.
    const faulty = k.verdict === 'not-seen-by-module'
    return { outcome: 'fail', evidence, data: { tokens: report.tokens.length, keyVerdict: k.verdict }, remedy: keyRemedy(k), ...(faulty ? { verdict: 'faulty' as const } : {}) }
  }
  const chosen = await probes.token()
  if ('error' in chosen) {
    // Two customers' keys plugged in: diagnosing either would be a guess. The technician picks one.
    if (chosen.error.code === 'TOKEN_AMBIGUOUS') return { outcome: 'fail', evidence, data: { tokens: report.tokens.length }, remedy: msg(chosen.error.key, chosen.error.params) }
    // No module, or none loads (FAQ 2 / 10.3): the management tool first; "insert the key" with it when the bus shows none.
    if (report.tokens.length === 0 && loaded.length === 0) {
      const insert = !(await anyUsbKey(probes))
      const key = report.modules.length === 0 ? (insert ? 'diagnose.fix.installToolInsert' : 'diagnose.fix.installTool') : insert ? 'diagnose.fix.moduleFailedInsert' : 'diagnose.fix.moduleFailed'
      return { outcome: 'fail', evidence, data: { tokens: 0 }, remedy: msg(key, vendorParams(null)) }
    }
    return { outcome: 'fail', evidence: [...evidence, msg(chosen.error.key, chosen.error.params)], data: { tokens: report.tokens.length }, remedy: msg('diagnose.fix.insertKey') }
  }
  return { outcome: 'pass', evidence, data: { tokens: report.tokens.length }, token: chosen.token }
}

/** A bank key (or a vendor's device) on the USB bus; false too when the bus cannot be listed. */
async function anyUsbKey(probes: Probes): Promise<boolean> {
  const v = await probes.view()
  return v.keys.some((k) => k.usb && (k.usb.kind === 'bank-key' || k.usb.kind === 'vendor-device'))
}

/** What to do about a key on the bus that no module sees: detect's verdict, in diagnose's words. */
export function keyRemedy(k: PhysicalKey): Message {
  const params = vendorParams(k.vendor)
  switch (k.verdict) {
    case 'no-module':
      return msg('diagnose.fix.installTool', params)
    case 'module-failed':
      return msg('diagnose.fix.moduleFailed', params)
    case 'module-outdated':
      return msg('diagnose.fix.moduleOutdated', params)
    case 'other-vendor-module':
      return msg('diagnose.fix.otherVendorModule', params)
    default:
      return msg('diagnose.fix.notSeenByModule')
  }
}

/** A vendor's name in both languages: a message is rendered in the user's language only at the edge. */
export function vendorParams(v: Vendor | null): { vendor: LocalValue; code: string } {
  // A vendor the key does not name (no module, no signal): said generically, in both languages.
  return { vendor: v ? v.name : { 'zh-CN': 'USB Key 所属厂商', en: 'key\'s vendor\'s' }, code: v?.code ?? '?' }
}
