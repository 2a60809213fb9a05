import { identifyVendor, vendorByManufacturer, vendorByNumber, type Vendor } from '../../profile/vendors.js'
import type { Message } from '../types.js'
import { msg, type Check } from './check.js'
import { keyRemedy, vendorParams } from './token-visible.js'

const MODULE_PROBLEMS = new Set(['no-module', 'module-failed', 'module-outdated', 'other-vendor-module'])

/** FAQ 2 / 10.3: the key's vendor's management tool (its PKCS#11 module) is installed, loads, and is recent enough. */
export const vendorModule: Check = async (probes) => {
  const { report } = await probes.tokens()
  const evidence: Message[] = report.modules.map((m) =>
    m.loaded
      ? msg('diagnose.ev.moduleLoaded', { path: m.path, version: m.version ?? '?', manufacturer: m.manufacturer ?? '?' })
      : msg('diagnose.ev.moduleFailed', { path: m.path, code: m.error?.code ?? '?' }),
  )
  const unseen = (await probes.unseenUsbKeys()).find((k) => MODULE_PROBLEMS.has(k.verdict))
  if (unseen) return { outcome: 'fail', evidence, data: { keyVerdict: unseen.verdict }, remedy: keyRemedy(unseen) }
  const chosen = await probes.token()
  if ('token' in chosen) {
    const d = report.tokens.find((t) => t.info === chosen.token)!
    const min = d.vendor.vendor?.minModuleVersion ?? null
    evidence.push(msg('diagnose.ev.moduleOfKey', { version: d.info.module.version, minimum: min ?? '-' }))
    if (d.moduleOutdated) return { outcome: 'fail', evidence, data: { moduleVersion: d.info.module.version, minimum: min }, remedy: msg('diagnose.fix.moduleOutdated', vendorParams(d.vendor.vendor)) }
    return { outcome: 'pass', evidence, data: { moduleVersion: d.info.module.version, minimum: min } }
  }
  // No key to match a module to: only the machine's own state can be told.
  if (report.modules.length === 0) return { outcome: 'fail', evidence: [msg('diagnose.ev.noModules')], remedy: msg('diagnose.fix.installTool', vendorParams(null)) }
  if (report.modules.every((m) => !m.loaded)) {
    // A module of the other bitness (a 32-bit vendor DLL under 64-bit ukey) has its own remedy: the vendor's other build.
    const wrongArch = report.modules.find((m) => m.error?.code === 'PKCS11_MODULE_WRONG_ARCH')?.error
    return { outcome: 'fail', evidence, remedy: wrongArch ? msg(wrongArch.key, wrongArch.params) : msg('diagnose.fix.moduleFailed', vendorParams(null)) }
  }
  return { outcome: 'unknown', evidence: [...evidence, msg('diagnose.ev.noKeyToMatch')] }
}

/** FAQ 1 / 10.3: every signal (printed number, serial prefix, USB id, module maker) names the same vendor. */
export const moduleVendorMatch: Check = async (probes) => {
  const { world } = probes
  const vendors = world.profile.vendors
  const view = await probes.view()
  const wrong = (await probes.unseenUsbKeys()).find((k) => k.verdict === 'other-vendor-module')
  if (wrong) {
    return { outcome: 'fail', evidence: [msg('diagnose.ev.otherVendorOnly', vendorParams(wrong.vendor))], data: { vendor: wrong.vendor?.code ?? null }, remedy: keyRemedy(wrong) }
  }
  const chosen = await probes.token()
  const token = 'token' in chosen ? chosen.token : null
  const pair = token ? view.keys.find((k) => k.token?.info === token) : undefined
  const usb = pair?.usb?.key
  const verdict = identifyVendor(vendors, {
    printed: world.printedNumber,
    tokenSerial: token?.serial,
    manufacturer: token?.manufacturer,
    ...(usb ? { usb: { vendorId: usb.vendorId, productId: usb.productId } } : {}),
  })
  const signals = verdict.signals.filter((s) => s.code !== null)
  const moduleVendor: Vendor | null = token ? vendorByManufacturer(vendors, token.module.manufacturer) : null
  if (moduleVendor) signals.push({ evidence: 'manufacturer', code: moduleVendor.code, value: token!.module.manufacturer })
  const evidence = signals.map((s) => msg('diagnose.ev.vendorSignal', { evidence: s.evidence, value: s.value, code: s.code! }))
  const codes = new Set(signals.map((s) => s.code))
  if (codes.size > 1) {
    // The printed number is what the customer's key really is (FAQ 1): its vendor's tool is the one to install.
    const own = (world.printedNumber ? vendorByNumber(vendors, world.printedNumber) : null) ?? verdict.vendor
    return { outcome: 'fail', evidence, data: { vendors: [...codes].join(',') }, remedy: msg('diagnose.fix.otherVendorModule', vendorParams(own)) }
  }
  if (signals.length < 2) return { outcome: 'unknown', evidence: [...evidence, msg('diagnose.ev.vendorOneSignal')], data: { vendor: signals[0]?.code ?? null } }
  return { outcome: 'pass', evidence, data: { vendor: signals[0]!.code } }
}
