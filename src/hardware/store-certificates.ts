import { derProblem } from '../cert/decode.js'
import { readCertSummary } from '../cert/summary.js'
import { UkeyError } from '../errors.js'
import { readWindowsStore, type WindowsStoreName } from './stores/windows-store.js'
import type { CertificateEvent } from '../cert/events.js'

/** "store:my": how a certificate in a system store is named in every output (#n when there are several). */
export function storeSource(name: string): string {
  return `store:${name}`
}

/**
 * The certificates of a system certificate store, as certificate events: each
 * with the CSP/KSP holding its private key when the store says (which vendor's
 * key, or this computer's software provider). One bad entry is reported and the
 * rest go on, as for files.
 */
export async function* readStoreCertificates(name: WindowsStoreName, read = readWindowsStore): AsyncGenerator<CertificateEvent[]> {
  const source = storeSource(name)
  let entries
  try {
    entries = await read(name)
  } catch (e) {
    if (!(e instanceof UkeyError)) throw e
    yield [{ type: 'error', source, error: e }]
    return
  }
  const batch: CertificateEvent[] = []
  entries.forEach((entry, i) => {
    try {
      batch.push({ type: 'certificate', source, index: i + 1, format: 'store', cert: readCertSummary(entry.der), ...(entry.keyProvider ? { keyProvider: entry.keyProvider.provider } : {}) })
    } catch (e) {
      batch.push({ type: 'error', source: `${source}#${i + 1}`, error: derProblem(e, `${source}#${i + 1}`) })
    }
  })
  yield batch
}
