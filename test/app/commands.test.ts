// Every command's use case called in-process with a fake Io (src/app/io.ts): no
// child process, no terminal. The process-level tests in test/cli/ prove the real
// binary; these prove each body reads only what its Io gives it (streams, the
// environment as given, the clock, the prompt) and returns its exit code.

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { run as checkWindow } from '../../src/app/check-window.js'
import { run as detect } from '../../src/app/detect.js'
import { run as diagnose } from '../../src/app/diagnose.js'
import { run as exitCodes } from '../../src/app/exit-codes.js'
import { run as renew } from '../../src/app/renew.js'
import { run as showCert } from '../../src/app/show-cert.js'
import { EXIT_CODE_TABLE } from '../../src/output/exit-code-table.js'
import { RenewalJournal } from '../../src/renewal/journal.js'
import { fixture } from '../helpers/cli.js'
import { fakeIo } from '../helpers/fake-io.js'
import { SOFTHSM_MODULE, SoftHsmStore } from '../helpers/softhsm.js'

const sources = { recursive: false, 'password-stdin': false, token: false, lab: false, 'pin-stdin': false, force: false, login: false }
const windowFlags = { ...sources, output: 'ndjson', json: false, quiet: false }
const records = (text: string): Array<Record<string, unknown>> => text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)

const dir = mkdtempSync(join(tmpdir(), 'ukey-app-'))
/** A bank profile file that reaches no module by itself (no p11-kit): only --module is loaded. */
const PROFILE = join(dir, 'profile.json')
writeFileSync(PROFILE, JSON.stringify({ pkcs11: { p11kit: false } }))

describe('check-window run(options, io)', () => {
  it('evaluates at the Io clock: the same certificate is valid in June and renewable in December', async () => {
    const june = fakeIo({ now: new Date('2026-06-01T00:00:00Z') })
    expect(await checkWindow({ ...windowFlags, inputs: [fixture('rsa.pem')], profile: PROFILE }, june)).toBe(0)
    expect(records(june.out())[0]).toMatchObject({ type: 'certificate', certificate: { window: { state: 'valid' } }, exitCode: 0 })
    const december = fakeIo({ now: new Date('2026-12-15T00:00:00Z') })
    expect(await checkWindow({ ...windowFlags, inputs: [fixture('rsa.pem')], profile: PROFILE }, december)).toBe(10)
    expect(records(december.out())[0]).toMatchObject({ certificate: { window: { state: 'renewable' } }, exitCode: 10 })
  })

  it('reads `-` from the Io stdin, and reports a bad input on the Io stderr with the batch going on', async () => {
    const io = fakeIo({ stdin: readFileSync(fixture('rsa.pem'), 'utf8') })
    const code = await checkWindow({ ...windowFlags, inputs: ['-', join(dir, 'missing.pem')], profile: PROFILE }, io)
    expect(code).toBe(3)
    const recs = records(io.out())
    expect(recs.map((r) => r['type'])).toEqual(['certificate', 'error', 'summary'])
    expect(recs[0]).toMatchObject({ source: '-', certificate: { window: { state: 'valid' } } })
    expect(io.err()).toContain('missing.pem')
  })
})

describe('show-cert run(options, io)', () => {
  it('takes the PKCS#12 password from the Io environment, never the process one', async () => {
    expect(process.env['UKEY_P12_PASSWORD']).toBeUndefined()
    const io = fakeIo({ env: { UKEY_P12_PASSWORD: 'test-p12-pass' } })
    expect(await showCert({ ...sources, inputs: [fixture('aes.p12')], json: true, profile: PROFILE }, io)).toBe(0)
    const doc = JSON.parse(io.out()) as { certificates: unknown[]; errors: unknown[]; exitCode: number }
    expect(doc.errors).toEqual([])
    expect(doc.certificates.length).toBeGreaterThan(0)
    expect(doc.exitCode).toBe(0)
  })

  it('without a password and nobody to ask, the bundle is an input error (exit 3), and nothing was asked', async () => {
    const io = fakeIo()
    expect(await showCert({ ...sources, inputs: [fixture('aes.p12')], json: true, profile: PROFILE }, io)).toBe(3)
    expect(JSON.parse(io.out())).toMatchObject({ certificates: [], errors: [{ code: 'PKCS12_PASSWORD_REQUIRED' }] })
    expect(io.asked).toEqual([])
  })

  it('asks the Io prompt when a person can answer', async () => {
    const io = fakeIo({ canPrompt: true, answers: ['test-p12-pass'] })
    expect(await showCert({ ...sources, inputs: [fixture('aes.p12')], json: false, profile: PROFILE }, io)).toBe(0)
    expect(io.asked).toHaveLength(1)
    expect(io.asked[0]).toContain('aes.p12')
    expect(io.out()).toContain('SHA-256')
  })
})

describe('exit-codes run(options, io)', () => {
  it('prints the contract as JSON and as text', async () => {
    const json = fakeIo()
    expect(await exitCodes({ json: true }, json)).toBe(0)
    expect(JSON.parse(json.out())).toEqual({ schemaVersion: 2, kind: 'ukey.exit-codes', lab: false, exitCode: 0, codes: EXIT_CODE_TABLE })
    const text = fakeIo()
    await exitCodes({ json: false }, text)
    expect(text.out()).toMatch(/^\s+0 {2}nothing to do/m)
    expect(text.out()).toContain('12 > 11 > 10 > 13 > 3 > 0')
  })
})

describe('diagnose run(options, io)', () => {
  const flags = { list: false, json: true, 'no-input': true, 'allow-keygen': false, lab: false, 'pin-stdin': false, force: false, profile: PROFILE }

  it('--list: the codes it knows', async () => {
    const io = fakeIo()
    expect(await diagnose({ ...flags, list: true }, io)).toBe(0)
    const codes = (JSON.parse(io.out()) as { codes: Array<{ code: string }> }).codes.map((c) => c.code)
    expect(codes).toEqual(expect.arrayContaining(['0124', '9002', '0116', '403.7']))
  })

  it('an unknown code is a usage error naming the known ones', async () => {
    await expect(diagnose({ ...flags, code: '7777' }, fakeIo())).rejects.toMatchObject({ code: 'USAGE', actions: ['diagnose.action.list'] })
  })
})

describe('detect and renew run(options, io)', () => {
  const store = SoftHsmStore.create()
  afterAll(() => store.remove())

  it('detect: the SoftHSM2 token through --module, exit 0', async () => {
    const { serial } = store.initToken({ label: 'app-test', serial: '2100000000000042' })
    store.activate()
    const io = fakeIo()
    const code = await detect({ module: SOFTHSM_MODULE, lab: false, profile: PROFILE, json: true, usb: false, all: false, watch: false, interval: 500 }, io)
    expect(code).toBe(0)
    const doc = JSON.parse(io.out()) as { tokens: Array<{ token: { serial: string } }>; exitCode: number }
    expect(doc.tokens.map((t) => t.token.serial)).toContain(serial)
    expect(doc.exitCode).toBe(0)
  })

  it('renew --status: no journal is exit 0; an open one is exit 31 and is listed', async () => {
    const lab = join(dir, 'lab')
    mkdirSync(join(lab, 'journal'), { recursive: true })
    writeFileSync(join(lab, 'profile.json'), JSON.stringify({ pkcs11: { p11kit: false } }))
    const flags = { lab: true, 'lab-dir': lab, 'pin-stdin': false, force: false, yes: false, 'dry-run': false, status: true, json: true }
    const none = fakeIo()
    expect(await renew(flags, none)).toBe(0)
    // `lab` is the profile's word: this folder's profile.json does not say lab.
    expect(JSON.parse(none.out())).toEqual({ schemaVersion: 2, kind: 'ukey.renew-status', lab: false, exitCode: 0, dir: join(lab, 'journal'), pending: [], journals: [] })
    RenewalJournal.open(join(lab, 'journal'), {
      token: { serial: '2100000012345678', label: 'ukey-lab', module: SOFTHSM_MODULE },
      old: { keyId: 'aa01', certSerial: '7f01', certSha256: 'AB:CD' },
    })
    const open = fakeIo()
    expect(await renew(flags, open)).toBe(31)
    // A journal without the old certificate's DER: the token as recorded (no maker, model or slot), the serial, no certificate object.
    expect(JSON.parse(open.out())).toMatchObject({
      kind: 'ukey.renew-status', exitCode: 31,
      pending: [{ state: 'open', token: { serial: '2100000012345678', label: 'ukey-lab', manufacturer: null, model: null, slot: null, module: SOFTHSM_MODULE }, old: { keyId: 'aa01', serial: '7f01', certificate: null } }],
    })
  })
})
