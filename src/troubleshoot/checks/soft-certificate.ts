import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { decodeCertificates } from '../../cert/decode.js'
import { readCertSummary } from '../../cert/summary.js'
import { expandInputs, readSourceFile } from '../../hardware/soft-store/sources.js'
import { isUkeyError } from '../../errors.js'
import type { Message } from '../types.js'
import type { DiagnoseWorld } from '../world.js'
import { msg, unknown, type Check } from './check.js'

/**
 * FAQ 10.1, customers without a key: "check you are on the computer where the
 * digital certificate is installed". On Windows that is the user's certificate
 * store (CurrentUser\My), read by default; elsewhere, and in addition, the
 * folders the technician names (--soft-store), where certificate files and
 * PKCS#12 bundles are read. A browser's NSS database is only noticed, not opened.
 */
export const softCertificate: Check = async (probes) => {
  const { world } = probes
  const stores = world.softStores
  const windows = world.windowsStore ? await readStore(world.windowsStore) : null
  if (stores.length === 0 && !windows) {
    const nss = join(homedir(), '.pki', 'nssdb', 'cert9.db')
    if (existsSync(nss)) return unknown(msg('diagnose.ev.nssStore', { path: nss }))
    return unknown(msg('diagnose.ev.noSoftStore'))
  }
  const folders = readFolders(stores)
  const evidence = [...(windows?.evidence ?? []), ...folders.evidence]
  const certificates = (windows?.certificates ?? 0) + folders.certificates
  const bundles = folders.bundles
  const data = { certificates, bundles }
  if (certificates + bundles > 0) return { outcome: 'pass', evidence, data }
  if (windows?.error && stores.length === 0) return { outcome: 'unknown', evidence, data }
  const where = [...(windows ? ['store:my'] : []), ...stores].join(', ')
  return { outcome: 'fail', evidence: [...evidence, msg('diagnose.ev.softNone', { stores: where })], data, remedy: msg('diagnose.fix.insertKey') }
}

async function readStore(read: NonNullable<DiagnoseWorld['windowsStore']>): Promise<{ evidence: Message[]; certificates: number; error?: true }> {
  let entries
  try {
    entries = await read()
  } catch (e) {
    if (!isUkeyError(e)) throw e
    return { evidence: [msg(e.key, e.params)], certificates: 0, error: true }
  }
  const evidence: Message[] = []
  let certificates = 0
  for (const entry of entries) {
    let subject = '-'
    let notAfter = '-'
    try {
      const c = readCertSummary(entry.der)
      subject = c.subjectCN ?? '-'
      notAfter = c.notAfter.toISOString().slice(0, 10)
    } catch {
      continue // an entry that is no X.509 certificate is not the customer's
    }
    certificates++
    const provider = entry.keyProvider?.provider
    evidence.push(provider ? msg('diagnose.ev.storeCertificateWithKey', { subject, notAfter, provider }) : msg('diagnose.ev.storeCertificate', { subject, notAfter }))
  }
  return { evidence, certificates }
}

function readFolders(stores: string[]): { evidence: Message[]; certificates: number; bundles: number } {
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
  return { evidence, certificates, bundles }
}
