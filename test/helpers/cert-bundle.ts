import { readFileSync } from 'node:fs'
import { TAG, expect, readTlv } from '../../src/cert/der.js'
import { fixture } from './cli.js'

const CN = Buffer.from('张三') // the subject CN of rsa.der, 6 bytes of UTF-8

/**
 * A PEM bundle of `count` different certificates: rsa.der with its serial's
 * last four bytes and its subject CN (six digits, the same length as 张三)
 * set from the certificate's number. Same issuer, as in a bank's batch; the
 * signatures no longer verify, which neither reader checks (only a
 * self-signed certificate's is, and this one is not).
 */
export function distinctBundle(count: number): Buffer {
  const der = readFileSync(fixture('rsa.der'))
  const cert = expect(der, 0, der.length, TAG.SEQUENCE, 'Certificate')
  const tbs = expect(der, cert.start, cert.end, TAG.SEQUENCE, 'TBSCertificate')
  const version = readTlv(der, tbs.start, tbs.end)
  const serial = expect(der, version.next, tbs.end, TAG.INTEGER, 'serial')
  const cn = der.lastIndexOf(CN)
  if (cn < 0) throw new Error('rsa.der no longer has the CN 张三')
  const parts: string[] = []
  for (let i = 0; i < count; i++) {
    const copy = Buffer.from(der)
    copy.writeUInt32BE(i, serial.end - 4)
    copy.write(String(i).padStart(6, '0'), cn, 'latin1')
    parts.push(`-----BEGIN CERTIFICATE-----\n${copy.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`)
  }
  return Buffer.from(parts.join(''))
}
