import 'reflect-metadata'
import * as x509 from '@peculiar/x509'
import { createHash, createPublicKey, generateKeyPairSync, verify, webcrypto, X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { UkeyError } from '../../src/errors.js'
import { Pkcs11TokenProvider } from '../../src/hardware/pkcs11/pkcs11-provider.js'
import type { TokenInfo, TokenSession } from '../../src/hardware/pkcs11/types.js'
import { SOFTHSM_MODULE, SoftHsmStore, USER_PIN, parsePkcs11ToolObjects, readCertAttributes, runTool } from '../helpers/softhsm.js'

// One fresh SoftHSM2 store per test (see test/helpers/softhsm.ts for why this is parallel-safe).
let store: SoftHsmStore
const providers: Pkcs11TokenProvider[] = []

beforeEach(() => {
  store = SoftHsmStore.create()
  store.activate()
})

afterEach(async () => {
  // Closing every provider finalises the module, so the next test's C_Initialize reads its own store.
  for (const p of providers.splice(0)) await p.close()
  store.remove()
})

function provider(paths: string[] = [SOFTHSM_MODULE]): Pkcs11TokenProvider {
  const p = Pkcs11TokenProvider.create(paths)
  providers.push(p)
  return p
}

async function tokenByLabel(p: Pkcs11TokenProvider, label: string): Promise<TokenInfo> {
  const { tokens } = await p.listTokens()
  const t = tokens.find((x) => x.label === label)
  if (!t) throw new Error(`no token ${label}`)
  return t
}

/** A store with one token, a provider, and an open, logged-in session. */
async function loggedIn(label = 'ukey test'): Promise<{ p: Pkcs11TokenProvider; s: TokenSession }> {
  store.initToken({ label })
  const p = provider()
  const s = await p.open(await tokenByLabel(p, label))
  await s.login(USER_PIN)
  return { p, s }
}

async function rejection(p: Promise<unknown>): Promise<UkeyError> {
  try {
    await p
  } catch (e) {
    return e as UkeyError
  }
  throw new Error('expected a rejection')
}

const tool = (args: string[]) => runTool(store, 'pkcs11-tool', ['--module', SOFTHSM_MODULE, ...args])

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0])
const EC_ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }

/** A certificate for `spki` (the token's public key), issued by a throwaway software CA. */
async function issue(spki: Buffer, subject: string, serial: string): Promise<Buffer> {
  const ca = (await webcrypto.subtle.generateKey(EC_ALG, false, ['sign', 'verify'])) as webcrypto.CryptoKeyPair
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial,
    subject,
    issuer: 'CN=ukey test CA, O=ukey',
    notBefore: new Date('2025-01-01T00:00:00Z'),
    notAfter: new Date('2027-01-01T00:00:00Z'),
    signingAlgorithm: EC_ALG,
    publicKey: new x509.PublicKey(spki),
    signingKey: ca.privateKey,
  })
  return Buffer.from(cert.rawData)
}

describe('listTokens', () => {
  it('lists initialised tokens only, with trimmed fields and a patched vendor serial', async () => {
    store.initToken({ label: '工行 U盾', serial: '2100000012345678' })
    store.initToken({ label: 'second' })
    const t0 = performance.now()
    const { tokens, moduleErrors } = await provider().listTokens()
    const ms = performance.now() - t0
    expect(moduleErrors).toEqual([])
    // SoftHSM's extra empty slot is not listed.
    expect(tokens.map((t) => t.label).sort()).toEqual(['second', '工行 U盾'])
    const t = tokens.find((x) => x.label === '工行 U盾')!
    expect(t).toMatchObject({
      module: { path: SOFTHSM_MODULE, description: 'Implementation of PKCS11', manufacturer: 'SoftHSM', version: '2.6', cryptokiVersion: '2.40' },
      manufacturer: 'SoftHSM project',
      model: 'SoftHSM v2',
      serial: '2100000012345678',
      loginRequired: true,
      protectedAuthPath: false,
      writeProtected: false,
      pin: 'ok',
      pinTriesLeft: null,
    })
    expect(t.slotId).toMatch(/^\d+$/)
    expect(t.slotDescription).toMatch(/^SoftHSM slot ID 0x[0-9a-f]+$/)
    expect(t.slotDescription).not.toMatch(/\s$/)
    // The independent witness reads the same serial and slot id.
    const witness = await tool(['-L'])
    expect(witness.stdout).toContain('serial num         : 2100000012345678')
    expect(witness.stdout).toContain(`(0x${BigInt(t.slotId).toString(16)})`)
    console.info(`listTokens (load + initialise + 2 tokens): ${ms.toFixed(1)} ms`)
  })

  it('reports modules that cannot be loaded, and still lists the others', async () => {
    store.initToken({ label: 'ok' })
    const dir = mkdtempSync(join(tmpdir(), 'ukey-modules-'))
    const text = join(dir, 'notes.so')
    writeFileSync(text, 'This is a text file with a library\'s name, as a careless install might leave behind.\n')
    const link = join(dir, 'softhsm-link.so')
    symlinkSync(SOFTHSM_MODULE, link)
    const missing = join(dir, 'missing.so')
    const { tokens, moduleErrors } = await provider([missing, '/bin/ls', text, dir, SOFTHSM_MODULE, link]).listTokens()
    expect(moduleErrors.map((e) => [e.path, e.error.code])).toEqual([
      [missing, 'PKCS11_MODULE_NOT_FOUND'],
      ['/bin/ls', 'PKCS11_MODULE_INVALID'],
      [text, 'PKCS11_MODULE_INVALID'],
      [dir, 'PKCS11_MODULE_INVALID'],
    ])
    expect(moduleErrors[0]!.error.params).toEqual({ path: missing })
    expect(moduleErrors[1]!.error.params['detail']).toMatch(/executable/)
    expect(moduleErrors[2]!.error.params['detail']).toMatch(/ELF/)
    // The symlink is the same library: loaded once, its token listed once.
    expect(tokens.map((t) => t.label)).toEqual(['ok'])
  })
})

describe('login and PIN state', () => {
  it('a wrong PIN is PIN_INCORRECT and leaves count-low; the right PIN clears it', async () => {
    store.initToken({ label: 'pin' })
    const p = provider()
    const s = await p.open(await tokenByLabel(p, 'pin'))
    const wrongPin = '99999999'
    const err = await rejection(s.login(wrongPin))
    expect(err.code).toBe('PIN_INCORRECT')
    expect(err.params).toEqual({ tries: '' })
    // Never a PIN in an error.
    expect(JSON.stringify({ m: err.message, p: err.params, s: err.stack })).not.toContain(wrongPin)
    expect(s.token.pin).toBe('count-low')
    expect((await tokenByLabel(p, 'pin')).pin).toBe('count-low')
    // A PIN the token refuses by length is a wrong PIN to the user too.
    expect((await rejection(s.login('1'))).code).toBe('PIN_INCORRECT')

    const t0 = performance.now()
    await s.login(USER_PIN)
    const ms = performance.now() - t0
    expect(s.token.pin).toBe('ok')
    expect((await tokenByLabel(p, 'pin')).pin).toBe('ok')
    // Login state belongs to the application: a second login is not an error.
    await s.login(USER_PIN)
    await s.logout()
    await s.logout()
    console.info(`login: ${ms.toFixed(1)} ms`)
  })

  it('operations on private keys before login ask for the PIN', async () => {
    store.initToken({ label: 'nologin' })
    const p = provider()
    const s = await p.open(await tokenByLabel(p, 'nologin'))
    expect((await rejection(s.generateKeyPair({ algorithm: 'EC', curve: 'P-256' }, '01', 'k'))).code).toBe('PIN_REQUIRED')
    expect((await rejection(s.sign('01', 'ECDSA-SHA256', Buffer.from('x')))).code).toBe('PIN_REQUIRED')
  })
})

describe('key pairs, signatures, certificates', () => {
  it('generates an EC P-256 key pair with complete templates, signs, and both tools agree', async () => {
    const { s } = await loggedIn()
    const id = 'a1b2c3d4'
    const t0 = performance.now()
    const { spki } = await s.generateKeyPair({ algorithm: 'EC', curve: 'P-256' }, id, 'ukey EC key')
    const ms = performance.now() - t0
    const pub = createPublicKey({ key: spki, format: 'der', type: 'spki' })
    expect(pub.asymmetricKeyType).toBe('ec')
    expect(pub.asymmetricKeyDetails?.namedCurve).toBe('prime256v1')

    const data = Buffer.from('key update request 2026')
    const sig = await s.sign(id, 'ECDSA-SHA256', data)
    expect(sig.length).toBe(64) // r || s
    expect(verify('sha256', data, { key: pub, dsaEncoding: 'ieee-p1363' }, sig)).toBe(true)

    expect(await s.listKeyPairs()).toEqual([{ id, label: 'ukey EC key', algorithm: 'EC', bits: 256, hasPublicKey: true, hasPrivateKey: true }])

    // Witness 1: pkcs11-tool sees one key pair under our ID and label, with the usages we set and nothing more.
    const listing = await tool(['-O', '--login', '--pin', USER_PIN])
    expect(listing.code).toBe(0)
    const objects = parsePkcs11ToolObjects(listing.stdout)
    const priv = objects.find((o) => o.kind.startsWith('Private Key Object; EC'))!
    const publ = objects.find((o) => o.kind.startsWith('Public Key Object; EC'))!
    expect(objects).toHaveLength(2)
    expect(priv.fields).toMatchObject({ label: 'ukey EC key', ID: id, Usage: 'sign' })
    expect(priv.fields['Access']!.split(', ').sort()).toEqual(['always sensitive', 'local', 'never extractable', 'sensitive'])
    expect(publ.fields).toMatchObject({ label: 'ukey EC key', ID: id, Usage: 'verify', EC_PARAMS: '06082a8648ce3d030107' })

    // Without login the tool sees the public key only: the private key is CKA_PRIVATE.
    const anonymous = parsePkcs11ToolObjects((await tool(['-O'])).stdout)
    expect(anonymous.map((o) => o.kind.split(';')[0])).toEqual(['Public Key Object'])

    // Witness 2: p11tool shows the private key private, sensitive, never extractable, and not extractable.
    const p11 = await runTool(store, 'p11tool', ['--provider', SOFTHSM_MODULE, '--login', `--set-pin=${USER_PIN}`, '--list-all-privkeys', 'pkcs11:'])
    expect(p11.code).toBe(0)
    expect(p11.stdout).toContain('Label: ukey EC key')
    expect(p11.stdout).toContain('ID: a1:b2:c3:d4')
    const flags = /Flags: (.*)/.exec(p11.stdout)![1]!
    expect(flags).toContain('CKA_PRIVATE')
    expect(flags).toContain('CKA_SENSITIVE')
    expect(flags).toContain('CKA_NEVER_EXTRACTABLE')
    expect(flags).not.toMatch(/CKA_EXTRACTABLE/)

    // Witness 3: pkcs11-tool signs with the key ukey made. SoftHSM 2.6 has no CKM_ECDSA_SHA256 (the
    // tool's ECDSA-SHA256 fails as ukey's would), so it signs the SHA-256 hash with CKM_ECDSA, as ukey does.
    const dir = mkdtempSync(join(tmpdir(), 'ukey-sign-'))
    writeFileSync(join(dir, 'data'), data)
    const hashed = join(dir, 'hash')
    writeFileSync(hashed, createHash('sha256').update(data).digest())
    const onToken = await tool(['--login', '--pin', USER_PIN, '--sign', '--mechanism', 'ECDSA-SHA256', '--id', id, '-i', join(dir, 'data'), '-o', join(dir, 'x.sig')])
    expect(onToken.stderr).toContain('CKR_MECHANISM_INVALID')
    const signed = await tool(['--login', '--pin', USER_PIN, '--sign', '--mechanism', 'ECDSA', '--id', id, '-i', hashed, '-o', join(dir, 'tool.sig')])
    expect(signed.code).toBe(0)
    expect(verify('sha256', data, { key: pub, dsaEncoding: 'ieee-p1363' }, readFileSync(join(dir, 'tool.sig')))).toBe(true)
    console.info(`EC P-256 key generation: ${ms.toFixed(1)} ms`)
  })

  it('generates RSA-2048 without blocking the event loop, signs RSA-PKCS-SHA256, and pkcs11-tool signs with it', async () => {
    const { s } = await loggedIn()
    let maxGap = 0
    let last = performance.now()
    const timer = setInterval(() => {
      const now = performance.now()
      maxGap = Math.max(maxGap, now - last)
      last = now
    }, 5)
    const t0 = performance.now()
    const { spki } = await s.generateKeyPair({ algorithm: 'RSA', bits: 2048 }, '5253', 'ukey RSA key')
    const ms = performance.now() - t0
    clearInterval(timer)
    // The generation runs on koffi's worker thread: timers keep firing (the sync call would stall them for all of it).
    if (ms > 100) expect(maxGap).toBeLessThan(ms / 2)
    const pub = createPublicKey({ key: spki, format: 'der', type: 'spki' })
    expect(pub.asymmetricKeyDetails).toMatchObject({ modulusLength: 2048, publicExponent: 65537n })

    const data = Buffer.from('renewal')
    const sig = await s.sign('5253', 'RSA-PKCS-SHA256', data)
    expect(verify('sha256', data, pub, sig)).toBe(true)
    expect(await s.listKeyPairs()).toEqual([{ id: '5253', label: 'ukey RSA key', algorithm: 'RSA', bits: 2048, hasPublicKey: true, hasPrivateKey: true }])

    const listing = parsePkcs11ToolObjects((await tool(['-O', '--login', '--pin', USER_PIN])).stdout)
    expect(listing.find((o) => o.kind.startsWith('Private Key Object; RSA'))!.fields).toMatchObject({ ID: '5253', Usage: 'sign' })
    expect(listing.find((o) => o.kind.startsWith('Public Key Object; RSA 2048 bits'))!.fields).toMatchObject({ ID: '5253', Usage: 'verify' })

    const dir = mkdtempSync(join(tmpdir(), 'ukey-sign-'))
    writeFileSync(join(dir, 'data'), data)
    const signed = await tool(['--login', '--pin', USER_PIN, '--sign', '--mechanism', 'SHA256-RSA-PKCS', '--id', '5253', '-i', join(dir, 'data'), '-o', join(dir, 'sig')])
    expect(signed.code).toBe(0)
    expect(verify('sha256', data, pub, readFileSync(join(dir, 'sig')))).toBe(true)
    console.info(`RSA-2048 key generation: ${ms.toFixed(1)} ms (longest event-loop gap ${maxGap.toFixed(1)} ms)`)
  })

  it('refuses a CKA_ID already in use and a malformed one', async () => {
    const { s } = await loggedIn()
    await s.generateKeyPair({ algorithm: 'EC', curve: 'P-256' }, '01', '工行 第一把')
    expect((await rejection(s.generateKeyPair({ algorithm: 'EC', curve: 'P-256' }, '01', 'second'))).code).toBe('USAGE')
    expect((await rejection(s.generateKeyPair({ algorithm: 'EC', curve: 'P-256' }, 'xyz', 'bad'))).code).toBe('USAGE')
    expect((await rejection(s.sign('02', 'ECDSA-SHA256', Buffer.from('x')))).code).toBe('CERT_WITHOUT_KEY')
    // Labels are UTF-8 both ways.
    expect((await s.listKeyPairs()).map((k) => k.label)).toEqual(['工行 第一把'])
    expect(parsePkcs11ToolObjects((await tool(['-O'])).stdout)[0]!.fields['label']).toBe('工行 第一把')
  })

  it('stores a certificate beside its key, lists it with hasPrivateKey, and deletes the whole set', async () => {
    const { p, s } = await loggedIn()
    const id = '0102030405'
    const { spki } = await s.generateKeyPair({ algorithm: 'EC', curve: 'P-256' }, id, 'ukey cert')
    const der = await issue(spki, 'CN=张三, O=ukey test', '1234abcd')
    await s.storeCertificate(id, 'ukey cert', der)
    // A certificate with no key beside it (an intermediate, or a key lost to a failed renewal).
    const otherSpki = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' })
    const orphan = await issue(otherSpki, 'CN=orphan', '05')
    await s.storeCertificate('ff', 'orphan', orphan)

    const certs = await s.listCertificates()
    expect(certs.map((c) => ({ id: c.id, label: c.label, has: c.hasPrivateKey }))).toEqual([
      { id, label: 'ukey cert', has: true },
      { id: 'ff', label: 'orphan', has: false },
    ])
    expect(certs[0]!.der.equals(der)).toBe(true)
    expect(new X509Certificate(certs[0]!.der).subject).toContain('CN=张三')

    // Not logged in: the private key is hidden, so whether it is there is unknown.
    await s.logout()
    expect((await s.listCertificates()).map((c) => c.hasPrivateKey)).toEqual([null, null])
    const fresh = await p.open(s.token)
    expect((await fresh.listCertificates()).map((c) => c.hasPrivateKey)).toEqual([null, null])
    await fresh.close()
    await s.login(USER_PIN)

    // Witness: pkcs11-tool reads the certificate object under the same ID and label, with its subject.
    const objects = parsePkcs11ToolObjects((await tool(['-O', '--login', '--pin', USER_PIN])).stdout)
    const certObjects = objects.filter((o) => o.kind.startsWith('Certificate Object'))
    expect(certObjects).toHaveLength(2)
    const mine = certObjects.find((o) => o.fields['ID'] === id)!
    expect(mine.fields['label']).toBe('ukey cert')
    // Decoded by the tool from CKA_SUBJECT and CKA_SERIAL_NUMBER (it prints UTF-8 bytes escaped).
    expect(mine.fields['subject']).toBe('DN: CN=\\xE5\\xBC\\xA0\\xE4\\xB8\\x89, O=ukey test')
    expect(mine.fields['serial']).toBe('1234ABCD')
    const p11 = await runTool(store, 'p11tool', ['--provider', SOFTHSM_MODULE, '--list-all-certs', 'pkcs11:'])
    expect(p11.stdout).toContain('Label: ukey cert')
    expect(p11.stdout).toContain('ID: 01:02:03:04:05')
    // CKA_SUBJECT / CKA_ISSUER / CKA_SERIAL_NUMBER are the certificate's own DER, byte for byte (read in
    // another process with bare PKCS#11 calls; expected values encoded by @peculiar/x509, not by ukey's DER reader).
    const parsed = new x509.X509Certificate(der)
    expect(await readCertAttributes(store, id)).toEqual({
      subject: Buffer.from(parsed.subjectName.toArrayBuffer()).toString('hex'),
      issuer: Buffer.from(parsed.issuerName.toArrayBuffer()).toString('hex'),
      serial: '02041234abcd',
    })

    const t0 = performance.now()
    expect(await s.deleteObjects(id)).toBe(3)
    const delMs = performance.now() - t0
    expect(await s.listKeyPairs()).toEqual([])
    expect((await s.listCertificates()).map((c) => c.id)).toEqual(['ff'])
    expect(await s.deleteObjects(id)).toBe(0)
    const after = parsePkcs11ToolObjects((await tool(['-O', '--login', '--pin', USER_PIN])).stdout)
    expect(after.map((o) => o.fields['ID'])).toEqual(['ff'])
    console.info(`deleteObjects (3 objects): ${delMs.toFixed(1)} ms`)
  })

  it('refuses to store bytes that are not a certificate', async () => {
    const { s } = await loggedIn()
    expect((await rejection(s.storeCertificate('01', 'junk', Buffer.from('3003020101', 'hex')))).code).toBe('CERT_CORRUPT')
    expect((await rejection(s.storeCertificate('01', 'junk', Buffer.from('30820100', 'hex')))).code).toBe('CERT_TRUNCATED')
    expect(await s.listCertificates()).toEqual([])
  })
})

describe('module lifetime', () => {
  it('shares one loaded module between providers and finalises only when the last one closes', async () => {
    store.initToken({ label: 'shared' })
    const a = provider()
    const b = provider()
    const sa = await a.open(await tokenByLabel(a, 'shared'))
    const sb = await b.open(await tokenByLabel(b, 'shared'))
    await sb.login(USER_PIN)
    await b.close() // closes sb; a still uses the module, so no C_Finalize
    expect((await rejection(sb.listKeyPairs())).code).toBe('INTERNAL')
    await sa.login(USER_PIN)
    await sa.generateKeyPair({ algorithm: 'EC', curve: 'P-256' }, '0a', 'still alive')
    expect((await sa.listKeyPairs()).map((k) => k.id)).toEqual(['0a'])
    // close() with a session open: the session is closed first, then the module finalised.
    await a.close()
    expect((await rejection(sa.listCertificates())).code).toBe('INTERNAL')
    // Initialised again on next use.
    expect((await a.listTokens()).tokens.map((t) => t.label)).toEqual(['shared'])
  })

  it('a session whose handle the module forgot, with the token still present, is a device error, not a removal', async () => {
    store.initToken({ label: 'gone' })
    const p = provider()
    const s = await p.open(await tokenByLabel(p, 'gone'))
    // Close the session behind the provider's back (as a module does on its own after an internal reset).
    const inner = s as unknown as { ck: { closeSession(h: bigint): void }; handle: bigint }
    inner.ck.closeSession(inner.handle)
    const err = await rejection(s.listCertificates())
    expect(err.code).toBe('PKCS11_DEVICE_ERROR')
    expect(err.params['detail']).toBe('CKR_SESSION_HANDLE_INVALID')
    await s.close()
  })
})

