import { webcrypto } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { WindowState } from '../cert/window.js'
import type { WindowPolicy } from '../cert/window.js'

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

/**
 * Writes a lab CA and one certificate per window state into `dir` (PEM), plus a
 * PKCS#7 bundle of them all. Software keys: these are samples, not a token.
 */
export async function writeSamples(dir: string, now: Date, policy: WindowPolicy): Promise<SampleSpec[]> {
  await import('reflect-metadata')
  const x509 = await import('@peculiar/x509')
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0])
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const
  const caKeys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])
  const caName = 'CN=ukey lab CA (not a bank),O=ukey lab,C=CN'
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: caName,
    notBefore: new Date(now.getTime() - 1000 * DAY),
    notAfter: new Date(now.getTime() + 3650 * DAY),
    keys: caKeys as webcrypto.CryptoKeyPair,
    signingAlgorithm: alg,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
  })
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'lab-ca.crt'), ca.toString('pem') + '\n')
  const specs = sampleSpecs(now, policy)
  const pems: string[] = []
  let serial = 0x1000
  for (const s of specs) {
    const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: (serial++).toString(16),
      subject: `CN=${s.cn},O=ukey lab,C=CN`,
      issuer: ca.subject,
      notBefore: s.notBefore,
      notAfter: s.notAfter,
      publicKey: (keys as webcrypto.CryptoKeyPair).publicKey,
      signingKey: (caKeys as webcrypto.CryptoKeyPair).privateKey,
      signingAlgorithm: alg,
      extensions: [
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
        await x509.SubjectKeyIdentifierExtension.create((keys as webcrypto.CryptoKeyPair).publicKey),
        await x509.AuthorityKeyIdentifierExtension.create((caKeys as webcrypto.CryptoKeyPair).publicKey),
      ],
    })
    const pem = cert.toString('pem') + '\n'
    pems.push(pem)
    writeFileSync(join(dir, s.file), pem)
  }
  writeFileSync(join(dir, 'all.pem'), pems.join(''))
  return specs
}
