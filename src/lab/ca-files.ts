// The lab CA as files (ca.crt, ca.key in the lab folder), read once or followed:
// `lab serve` keeps running across `lab init --force`, which writes a new CA
// under the same names, so the server re-reads them when they change.

import { createPublicKey, X509Certificate } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import { UkeyError } from '../errors.js'
import type { LabCa } from './ca.js'

export function readLabCa(certFile: string, keyFile: string): LabCa {
  return { certPem: readFileSync(certFile, 'utf8'), keyPem: readFileSync(keyFile, 'utf8') }
}

/**
 * A reader for createLabCmpServer's `ca`: the files are read again only when
 * either one's identity (inode, size, mtime) changes. A certificate and key
 * that do not belong together (a re-initialisation half written) or files
 * gone (`lab reset`) throw LAB_MISSING for `dir`; the next call looks again.
 */
export function followLabCa(dir: string, certFile: string, keyFile: string): () => LabCa {
  let seen = ''
  let ca: LabCa | undefined
  return () => {
    let id: string
    try {
      id = [certFile, keyFile].map((f) => {
        const s = statSync(f)
        return `${s.ino}:${s.size}:${s.mtimeMs}`
      }).join('|')
    } catch (cause) {
      throw new UkeyError('LAB_MISSING', { params: { dir }, cause })
    }
    if (id !== seen || !ca) {
      const next = readLabCa(certFile, keyFile)
      const certKey = new X509Certificate(next.certPem).publicKey.export({ type: 'spki', format: 'der' })
      const key = createPublicKey(next.keyPem).export({ type: 'spki', format: 'der' })
      if (!certKey.equals(key)) throw new UkeyError('LAB_MISSING', { params: { dir } })
      ca = next
      seen = id
    }
    return ca
  }
}
