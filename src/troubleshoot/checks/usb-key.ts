import { usbKeyName } from '../../hardware/usb/types.js'
import { msg, type Check } from './check.js'
import { vendorParams } from './token-visible.js'

/** FAQ 10.1 / 11: is the key inserted? The USB bus, before any vendor module. */
export const usbKey: Check = async (probes) => {
  const { listing, listed } = await probes.usb()
  const v = await probes.view()
  const keys = v.keys.filter((k) => k.usb && (k.usb.kind === 'bank-key' || k.usb.kind === 'vendor-device'))
  const evidence = keys.map((k) => msg('diagnose.ev.usbKey', { device: usbKeyName(k.usb!.key), vendor: k.vendor ? `${k.vendor.code}` : '?' }))
  if (keys.length) return { outcome: 'pass', evidence, data: { usbKeys: keys.length } }
  // A transport that cannot be listed hides what is plugged in: no conclusion from silence.
  if (!listed || listing.errors.length) {
    return { outcome: 'unknown', evidence: [msg('diagnose.ev.usbUnlisted', { detail: listing.errors.map((e) => e.transport).join(', ') || '-' })] }
  }
  // A token is there without a USB device: a software or lab token, or a key whose device the bus does not show.
  const { report } = await probes.tokens()
  if (report.tokens.length) return { outcome: 'unknown', evidence: [msg('diagnose.ev.usbNoneButToken')], data: { usbKeys: 0 } }
  // No module, or none loads: the key would not be seen even inserted, so the management tool comes first (FAQ 2 / 10.3).
  const remedy = report.modules.length === 0 ? 'diagnose.fix.installToolInsert' : report.modules.every((m) => !m.loaded) ? 'diagnose.fix.moduleFailedInsert' : 'diagnose.fix.insertKey'
  return { outcome: 'fail', evidence: [msg('diagnose.ev.usbNone')], data: { usbKeys: 0 }, remedy: remedy === 'diagnose.fix.insertKey' ? msg(remedy) : msg(remedy, vendorParams(null)) }
}
