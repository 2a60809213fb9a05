// show-cert's decoder (src/cert/details.ts, names.ts, extensions.ts, public-key.ts)
// against openssl's own reading of certificates openssl made.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { decodeCertificates, type Decoded } from '../../src/cert/decode.js'
import { certDetails } from '../../src/cert/details.js'
import { MAX_CERTIFICATE_BYTES } from '../../src/cert/limits.js'
import { readCertSummary } from '../../src/cert/summary.js'

const openssl = (...args: string[]): string => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })

let dir: string
function make(name: string, keyArgs: string[], subject: string, ext: string): string {
  const cnf = join(dir, `${name}.cnf`)
  writeFileSync(cnf, `[req]\ndistinguished_name=dn\nprompt=no\nx509_extensions=ext\n[dn]\nCN=x\n[ext]\n${ext}\n[dir_sect]\nCN=inner\nO=org\n`)
  const out = join(dir, `${name}.pem`)
  openssl('req', '-x509', ...keyArgs, '-nodes', '-keyout', join(dir, `${name}.key`), '-config', cnf, '-subj', subject, '-days', '10', '-out', out)
  return out
}

function details(file: string) {
  const d = decodeCertificates(readFileSync(file), file) as Decoded
  return certDetails(d.certificates[0]!)
}

/**
 * openssl -nameopt RFC2253 joins RDNs with "," as ukey's dn does (RFC 4514 2.1).
 * Inside a multi-valued RDN (a SET: no order) openssl lists the values backwards, ukey
 * in DER order: both sides are compared with each RDN's values sorted.
 */
const rfc2253 = (file: string, which: '-subject' | '-issuer'): string =>
  sortedRdns(openssl('x509', '-in', file, '-noout', which, '-nameopt', 'RFC2253').trim().replace(/^(subject|issuer)=/, ''))
const sortedRdns = (dn: string): string => dn.split(/(?<!\\),/).map((rdn) => rdn.split(/(?<!\\)\+/).sort().join('+')).join(',')

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ukey-details-'))
})

describe('names, extensions and key sizes as openssl reads them', () => {
  it('RFC 4514 escapes, serialNumber, multi-valued RDNs and every kind of alternative name', () => {
    const file = make(
      'san',
      ['-newkey', 'rsa:1024'],
      '/C=CN/O=Bank, Ltd "x"/OU=a\\+b;c<d>\\\\e/CN=#lead trail /serialNumber=12345/OU=m1+L=m2',
      [
        'subjectAltName=DNS:example.com,IP:10.1.2.3,IP:2001:db8::1,IP:::1,IP:2001:db8:0:0:1:0:0:1,email:a@b.c,URI:https://x.y/z,dirName:dir_sect,otherName:1.3.6.1.4.1.311.20.2.3;UTF8:user@corp,RID:1.2.3.4',
        'basicConstraints=critical,CA:TRUE',
        'keyUsage=keyCertSign,cRLSign,digitalSignature',
        'extendedKeyUsage=serverAuth,1.2.3.5',
        'subjectKeyIdentifier=hash',
        'authorityKeyIdentifier=keyid:always',
      ].join('\n'),
    )
    const d = details(file)
    expect(sortedRdns(d.identity.subject.dn)).toBe(rfc2253(file, '-subject'))
    expect(sortedRdns(d.identity.issuer.dn)).toBe(rfc2253(file, '-issuer'))
    expect(d.identity.subject.dn).toMatch(/^(OU=m1\+L=m2|L=m2\+OU=m1),serialNumber=12345,/)
    expect(d.subjectAltNames).toEqual([
      'dns:example.com', 'ip:10.1.2.3', 'ip:2001:db8::1', 'ip:::1', 'ip:2001:db8::1:0:0:1', 'email:a@b.c',
      'url:https://x.y/z', 'dn:O=org,CN=inner', 'upn:user@corp', 'id:1.2.3.4',
    ])
    expect(d.keyUsage).toEqual(['digitalSignature', 'keyCertSign', 'cRLSign'])
    expect(d.extendedKeyUsage).toEqual(['serverAuth', '1.2.3.5'])
    expect(d.isCA).toBe(true)
    const text = openssl('x509', '-in', file, '-noout', '-text')
    const ski = /Subject Key Identifier:\s*\n\s*([0-9A-F:]+)/.exec(text)![1]!.replace(/:/g, '').toLowerCase()
    expect(d.subjectKeyIdentifier).toBe(ski)
    const aki = /Authority Key Identifier:\s*\n\s*(?:keyid:)?([0-9A-F:]+)/.exec(text)?.[1]?.replace(/:/g, '').toLowerCase() ?? null
    expect(aki).not.toBeNull()
    expect(d.authorityKeyIdentifier).toBe(aki)
    expect(d.selfSigned).toBe(true)
    expect(d.identity.key).toEqual({ algorithm: 'RSA', size: 1024 })
  })

  it.each([
    ['ec384', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'], (bits: number) => ({ algorithm: 'EC', curve: `P-${bits}` })],
    ['ed25519', ['-newkey', 'ed25519'], () => ({ algorithm: 'Ed25519' })],
    ['rsa3072', ['-newkey', 'rsa:3072'], (bits: number) => ({ algorithm: 'RSA', size: bits })],
  ])('%s: the key openssl states (RSA by size, EC by curve, Ed25519 by name)', (name, keyArgs, key) => {
    const file = make(name, keyArgs, '/CN=k', 'basicConstraints=CA:FALSE')
    const bits = Number(/Public-Key: \((\d+) bit\)/.exec(openssl('x509', '-in', file, '-noout', '-text'))?.[1])
    const d = details(file)
    expect(d.identity.key).toEqual(key(bits))
    expect(d.isCA).toBe(false)
    expect(d.keyUsage).toBeNull()
    expect(d.subjectAltNames).toEqual([])
  })
})

describe('the one certificate size limit (src/cert/limits.ts)', () => {
  it('a certificate element over the limit is refused before it is read; a small one is read (and found damaged)', () => {
    const header = (len: number): Buffer => Buffer.from([0x30, 0x84, (len >>> 24) & 0xff, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff])
    const over = Buffer.concat([header(MAX_CERTIFICATE_BYTES), Buffer.alloc(MAX_CERTIFICATE_BYTES)])
    expect(() => readCertSummary(over)).toThrow(/certificate of \d+ bytes: the limit is 16777216/)
    const within = Buffer.concat([Buffer.from([0x30, 0x82, 0x03, 0xe8]), Buffer.alloc(1000)])
    expect(() => readCertSummary(within)).toThrow(/TBSCertificate/)
  })
})
