import { X509Certificate, randomBytes, verify } from 'node:crypto'
import { isUkeyError } from '../../errors.js'
import type { SignMechanism } from '../../hardware/pkcs11/types.js'
import { readCertificateFile } from '../../hardware/soft-store/read-certificates.js'
import type { Probes, TokenCertificateView } from '../probes.js'
import type { CheckResult } from '../types.js'
import { msg, unknown, type Check } from './check.js'
import { checkedCertificate as checked } from './token-certificate.js'

function certEvidence(c: TokenCertificateView) {
  return msg('diagnose.ev.certificate', { subject: c.summary.subjectCN ?? '-', serial: c.summary.serial, id: c.token.id })
}

/** The certificate the diagnosis is about; an unknown result when no key is there to read it from. */
async function theCertificate(probes: Probes): Promise<TokenCertificateView | CheckResult> {
  const t = await probes.token()
  if ('error' in t) return unknown(msg('diagnose.ev.noKey'))
  let cert = await probes.certificate()
  // Some keys show their certificate only after login (readTokenCertificates does the same).
  if (!cert && t.token.loginRequired && (await probes.login()) === 'logged-in') cert = await probes.certificate()
  if (!cert) return { outcome: 'fail', evidence: [msg('diagnose.ev.noCertificate', { serial: t.token.serial })], remedy: msg('diagnose.fix.noCertificate') }
  return cert
}

/** FAQ 13: a client certificate needs its private key beside it on the key. */
export const certificateWithKey: Check = async (probes) => {
  let cert = await theCertificate(probes)
  if ('outcome' in cert) return cert
  if (cert.token.hasPrivateKey === null) {
    // Private keys are private objects: visible only after login.
    if ((await probes.login()) === 'no-pin') return unknown(certEvidence(cert), msg('diagnose.ev.keyNeedsPin'))
    const again = await theCertificate(probes)
    if ('outcome' in again) return again
    cert = again
  }
  const data = { hasPrivateKey: cert.token.hasPrivateKey }
  const certificate = checked(cert)
  if (cert.token.hasPrivateKey) return { outcome: 'pass', evidence: [certEvidence(cert), msg('diagnose.ev.keyPresent')], data, certificate }
  return { outcome: 'fail', evidence: [certEvidence(cert), msg('diagnose.ev.keyMissing')], data, certificate, remedy: msg('diagnose.fix.replaceKey'), verdict: 'faulty' }
}

function mechanismFor(algorithm: string): SignMechanism | null {
  if (algorithm === 'RSA') return 'RSA-PKCS-SHA256'
  if (algorithm.startsWith('EC')) return 'ECDSA-SHA256'
  return null
}

/**
 * The heart of 403.7: the key signs a fresh challenge, and the signature
 * verifies against the certificate's public key, which is all a TLS
 * client-certificate handshake asks of the key.
 */
export const keySigns: Check = async (probes) => {
  const cert = await theCertificate(probes)
  if ('outcome' in cert) return cert.outcome === 'fail' ? unknown(...cert.evidence) : cert
  const mechanism = mechanismFor(cert.summary.keyAlgorithm)
  // SoftHSM2 and the token interface have no SM2 mechanism yet: said plainly, not guessed.
  if (!mechanism) return unknown(certEvidence(cert), msg('diagnose.ev.signUnsupported', { algorithm: cert.summary.keyAlgorithm }))
  if ((await probes.login()) === 'no-pin') return unknown(certEvidence(cert), msg('diagnose.ev.signNeedsPin'))
  const challenge = Buffer.concat([Buffer.from('ukey diagnose challenge '), randomBytes(32)])
  const data = { mechanism }
  const certificate = checked(cert)
  let signature: Buffer
  try {
    signature = await (await probes.session()).sign(cert.token.id, mechanism, challenge)
  } catch (e) {
    if (isUkeyError(e) && e.code === 'CERT_WITHOUT_KEY') {
      return { outcome: 'fail', evidence: [certEvidence(cert), msg('diagnose.ev.keyMissing')], data, certificate, remedy: msg('diagnose.fix.replaceKey'), verdict: 'faulty' }
    }
    throw e
  }
  const publicKey = new X509Certificate(Buffer.from(cert.summary.der)).publicKey
  const ok = mechanism === 'ECDSA-SHA256' ? verify('sha256', challenge, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature) : verify('sha256', challenge, publicKey, signature)
  if (ok) return { outcome: 'pass', evidence: [certEvidence(cert), msg('diagnose.ev.signVerified', { mechanism })], data, certificate }
  return { outcome: 'fail', evidence: [certEvidence(cert), msg('diagnose.ev.signMismatch', { mechanism })], data, certificate, remedy: msg('diagnose.fix.replaceKey'), verdict: 'faulty' }
}

/** The certificate was issued by the bank's CA (profile renewal.caCerts, paths relative to the profile). */
export const chainsToBankCa: Check = async (probes) => {
  const files = probes.world.profile.renewal?.caCerts ?? []
  if (files.length === 0) return unknown(msg('diagnose.ev.noBankCa'))
  const cert = await theCertificate(probes)
  if ('outcome' in cert) return cert.outcome === 'fail' ? unknown(...cert.evidence) : cert
  const cas: X509Certificate[] = []
  for (const f of files) {
    try {
      // Read as the renewal reads them (renewal/trust.ts): a file diagnose accepts, renew accepts.
      for (const der of readCertificateFile(f)) cas.push(new X509Certificate(der))
    } catch (e) {
      return unknown(msg('diagnose.ev.bankCaUnreadable', { file: f, code: isUkeyError(e) ? e.code : 'INTERNAL' }))
    }
  }
  const leaf = new X509Certificate(Buffer.from(cert.summary.der))
  // Every configured certificate is trusted (a bank may list its intermediate): one hop to any of them.
  const issuer = cas.find((ca) => leaf.checkIssued(ca) && leaf.verify(ca.publicKey))
  // The issuer's name is the certificate object's `issuer` (docs/json.md): one DN format for scripts.
  const certificate = checked(cert)
  if (issuer) return { outcome: 'pass', evidence: [certEvidence(cert), msg('diagnose.ev.chainsTo', { ca: cnOf(issuer.subject) })], certificate }
  return { outcome: 'fail', evidence: [certEvidence(cert), msg('diagnose.ev.notFromBankCa', { issuer: cert.summary.issuerCN ?? '-', count: cas.length })], certificate, remedy: msg('diagnose.fix.notBankCertificate') }
}

function cnOf(subject: string): string {
  return /(?:^|\n)CN=([^\n]*)/.exec(subject)?.[1] ?? subject
}
