import { webcrypto } from 'node:crypto'
import { join } from 'node:path'
import type { WindowPolicy, WindowState } from '../cert/window.js'
import { createLabCa, issueCertificate } from './ca.js'
import { makePrivateDir, writePrivateFile } from './private-files.js'

const DAY = 86_400_000

export interface SampleSpec {
  file: string
  state: WindowState
  cn: string
  notBefore: Date
  notAfter: Date
}

/**
 * One certificate per window state, dated relative to `now` so the states hold
 * whenever the lab is made: what a trainee or a demo needs to see each verdict.
 */
export function sampleSpecs(now: Date, policy: WindowPolicy): SampleSpec[] {
  const t = now.getTime()
  const at = (days: number): Date => new Date(t + days * DAY)
  return [
    { file: 'valid.pem', state: 'valid', cn: '张三 (lab)', notBefore: at(-300), notAfter: at(policy.renewBeforeDays + 65) },
    { file: 'renewable.pem', state: 'renewable', cn: '李四 (lab)', notBefore: at(-350), notAfter: at(Math.max(1, policy.renewBeforeDays - 18)) },
    { file: 'grace.pem', state: 'grace', cn: '王五 (lab)', notBefore: at(-400), notAfter: at(-Math.max(1, Math.floor(policy.graceAfterDays / 3))) },
    { file: 'lapsed.pem', state: 'lapsed', cn: '赵六 (lab)', notBefore: at(-800), notAfter: at(-(policy.graceAfterDays + 40)) },
    { file: 'not-yet-valid.pem', state: 'not-yet-valid', cn: '孙七 (lab)', notBefore: at(3), notAfter: at(368) },
  ]
}

function toPem(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`
}

/**
 * Writes a lab CA and one certificate per window state into `dir` (PEM), plus
 * all.pem holding them all. Software keys: these are samples, not a token.
 */
export async function writeSamples(dir: string, now: Date, policy: WindowPolicy): Promise<SampleSpec[]> {
  const ca = await createLabCa(now)
  // A folder of the user's choosing is left as it is; one made here is private, as are the files.
  makePrivateDir(dir, false)
  writePrivateFile(join(dir, 'lab-ca.crt'), ca.certPem)
  const specs = sampleSpecs(now, policy)
  const pems: string[] = []
  let serial = 0x1000
  for (const s of specs) {
    const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair
    const spki = Buffer.from(await webcrypto.subtle.exportKey('spki', keys.publicKey))
    const der = await issueCertificate(ca, { spki, subject: `C=CN,O=ukey lab,CN=${s.cn}`, serialHex: (serial++).toString(16), notBefore: s.notBefore, notAfter: s.notAfter })
    const pem = toPem(der)
    pems.push(pem)
    writePrivateFile(join(dir, s.file), pem)
  }
  writePrivateFile(join(dir, 'all.pem'), pems.join(''))
  return specs
}
