import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { decodeCertificates } from '../../cert/decode.js'
import { expandInputs, readSourceFile } from '../../hardware/soft-store/sources.js'
import type { Message } from '../types.js'
import { msg, unknown, type Check } from './check.js'

/**
 * FAQ 10.1, customers without a key: "check you are on the computer where the
 * digital certificate is installed". Best effort: the folders the technician
 * names (--soft-store), where certificate files and PKCS#12 bundles are read;
 * a browser's own store (NSS, Windows) is only noticed, not opened.
 */
export const softCertificate: Check = async (probes) => {
  const stores = probes.world.softStores
  if (stores.length === 0) {
    const nss = join(homedir(), '.pki', 'nssdb', 'cert9.db')
    if (existsSync(nss)) return unknown(msg('diagnose.ev.nssStore', { path: nss }))
    return unknown(msg('diagnose.ev.noSoftStore'))
  }
  const evidence: Message[] = []
  let certificates = 0
  let bundles = 0
  for (const ev of expandInputs(stores, true)) {
    if (!ev.ok) {
      evidence.push(msg(ev.error.key, ev.error.params))
      continue
    }
    try {
      const d = decodeCertificates(readSourceFile(ev.source.path), ev.source.path)
      if (d === 'pkcs12') {
        bundles++
        evidence.push(msg('diagnose.ev.softBundle', { path: ev.source.path }))
        continue
      }
      for (const c of d.certificates) {
        certificates++
        evidence.push(msg('diagnose.ev.softCertificate', { path: ev.source.path, subject: c.subjectCN ?? '-', notAfter: c.notAfter.toISOString().slice(0, 10) }))
      }
    } catch {
      // Not a certificate: other files live in these folders too.
    }
  }
  const data = { certificates, bundles }
  if (certificates + bundles > 0) return { outcome: 'pass', evidence, data }
  return { outcome: 'fail', evidence: [...evidence, msg('diagnose.ev.softNone', { stores: stores.join(', ') })], data, remedy: msg('diagnose.fix.insertKey') }
}
