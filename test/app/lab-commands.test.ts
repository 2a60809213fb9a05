// The lab's use cases (src/app/lab/) called in-process with a fake Io, as
// test/app/commands.test.ts does for the other commands: the PIN from the Io's
// stdin or environment, the clock from the Io, output on the Io's streams, and
// `lab serve` stopped by its AbortSignal instead of a process signal. The real
// binary's lab is tested in test/integration/lab-*.test.ts and test/cli/.

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { run as checkWindow } from '../../src/app/check-window.js'
import { run as labInit } from '../../src/app/lab/init.js'
import { run as labReset } from '../../src/app/lab/reset.js'
import { run as labSamples } from '../../src/app/lab/samples.js'
import { run as labServe } from '../../src/app/lab/serve.js'
import { run as labStatus } from '../../src/app/lab/status.js'
import { realProviderFactory } from '../../src/hardware/token-provider.js'
import { readLabState, type LabState } from '../../src/lab/token-lab.js'
import { fakeIo } from '../helpers/fake-io.js'

const root = mkdtempSync(join(tmpdir(), 'ukey-app-lab-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const initFlags = { 'expires-in': 20, vendor: '21', key: 'rsa2048', force: false, 'pin-stdin': false, json: false }
/** A clock far from the machine's: what the lab dates by must be the Io's. */
const NOW = new Date('2031-03-10T08:00:00Z')

/** Logs in to the lab's token with `pin`: true when the token takes it. */
async function tokenTakes(state: LabState, pin: string): Promise<boolean> {
  const provider = await realProviderFactory([state.module])
  try {
    const { tokens } = await provider.listTokens()
    const info = tokens.find((t) => t.serial === state.token.serial)
    if (!info) throw new Error(`lab token ${state.token.serial} not found`)
    const session = await provider.open(info)
    try {
      await session.login(pin)
      return true
    } catch {
      return false
    } finally {
      await session.close()
    }
  } finally {
    await provider.close()
  }
}

/** One HTTP request to the lab server: its status code. */
function get(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    }).on('error', reject).end()
  })
}

describe('lab use cases: run(options, io)', () => {
  const lab = join(root, 'lab')
  const PIN = '24680ace'

  it('lab reset: a folder that is no lab is left alone, and said so on the Io stderr', async () => {
    const plain = join(root, 'not-a-lab')
    mkdirSync(plain)
    writeFileSync(join(plain, 'keep.txt'), 'mine')
    const io = fakeIo()
    expect(await labReset({ dir: plain }, io)).toBe(0)
    expect(existsSync(join(plain, 'keep.txt'))).toBe(true)
    expect(io.err()).toBe(`No lab in ${plain}: nothing to remove\n`)
    expect(io.out()).toBe('')
  })

  // Made once for the file (status, serve and reset use it), so any one test can run alone (-t).
  const made = fakeIo({ stdin: `${PIN}\n`, now: NOW, nativeEnvironment: true })
  let madeCode: number | undefined
  beforeAll(async () => {
    madeCode = await labInit({ ...initFlags, dir: lab, 'pin-stdin': true }, made)
  })

  it('lab init --pin-stdin: the token takes the PIN read from the Io stdin, the certificate is dated by the Io clock', async () => {
    const io = made
    expect(madeCode).toBe(0)
    const state = readLabState(lab)!
    expect(state.createdAt).toBe(NOW.toISOString())
    expect(new Date(state.certificate.notAfter).getTime() - NOW.getTime()).toBe(20 * 86_400_000)
    expect(io.out()).toContain('[LAB] the embedded lab')
    expect(io.out()).toContain(state.token.serial)
    expect(io.out()).toContain('  (20 days)\n')
    expect(io.out() + io.err()).not.toContain(PIN)
    expect(await tokenTakes(state, PIN)).toBe(true)
    expect(await tokenTakes(state, '123456')).toBe(false)
  })

  it('lab status --json: the token present with its key pair and certificate, the window state at the Io clock, the lab environment handed to the Io', async () => {
    const state = readLabState(lab)!
    const io = fakeIo({ now: NOW })
    expect(await labStatus({ dir: lab, json: true }, io)).toBe(0)
    const doc = JSON.parse(io.out()) as Record<string, unknown>
    expect(doc).toMatchObject({ schemaVersion: 2, kind: 'ukey.lab-status', lab: true, exitCode: 0, tokenPresent: true, certificates: 1, keyPairs: 1, vendorCode: state.token.vendorCode })
    // The window at the Io clock: 20 days before notAfter, in the renewal window.
    expect(doc['certificate']).toMatchObject({ id: state.certificate.id, notAfter: state.certificate.notAfter, window: { state: 'renewable', daysLeft: 20, daysSinceExpiry: null } })
    expect(doc['token']).toMatchObject({ serial: state.token.serial, label: state.token.label, module: state.module, slot: expect.stringMatching(/^\d+$/) })
    expect(io.applied).toEqual({ SOFTHSM2_CONF: state.conf })
    // Two years on, the same certificate has lapsed: the state is the clock's, not the machine's.
    const later = fakeIo({ now: new Date('2033-03-10T08:00:00Z') })
    expect(await labStatus({ dir: lab, json: true }, later)).toBe(0)
    expect(JSON.parse(later.out())).toMatchObject({ certificate: { window: { state: 'lapsed', daysSinceExpiry: expect.any(Number) } } })
  })

  it('lab serve: answers a request on a free port of 127.0.0.1 and stops when its signal is aborted', async () => {
    const io = fakeIo({ now: NOW })
    const controller = new AbortController()
    let listening!: (port: number) => void
    const ready = new Promise<number>((resolve) => (listening = resolve))
    const served = labServe({ dir: lab, port: 0, waiting: 0, signal: controller.signal, listening }, io)
    const port = await Promise.race([ready, served.then(() => Promise.reject(new Error('lab serve ended before listening')))])
    // CMP over HTTP is POST only: a GET is refused, and logged like a CMP message.
    const status = await get(port, '/pkix/').finally(() => controller.abort('SIGTERM'))
    expect(status).toBe(405)
    expect(await served).toBe(0)
    expect(port).toBeGreaterThan(0)
    const lines = io.err().trim().split('\n')
    expect(lines[0]).toBe(`[LAB] CMP server on http://127.0.0.1:${port}/pkix/ (not a bank)`)
    expect(lines[1]).toMatch(new RegExp(`^\\[LAB\\] ${NOW.toISOString()} - HTTP GET /pkix/ → 405 `))
    expect(lines.at(-1)).toBe('[LAB] SIGTERM: stopped')
    expect(io.out()).toBe('')
    // Closed: nothing listens on the port any more.
    await expect(get(port, '/pkix/')).rejects.toThrow(/ECONNREFUSED/)
  })

  it('lab reset: removes the lab; then status and serve say there is none (LAB_MISSING)', async () => {
    const io = fakeIo()
    expect(await labReset({ dir: lab }, io)).toBe(0)
    expect(io.err()).toBe(`Removed the lab in ${lab}\n`)
    expect(existsSync(lab)).toBe(false)
    await expect(labStatus({ dir: lab, json: true }, fakeIo())).rejects.toMatchObject({ code: 'LAB_MISSING' })
    await expect(labServe({ dir: lab, port: 0, waiting: 0, signal: AbortSignal.abort('SIGINT') }, fakeIo())).rejects.toMatchObject({ code: 'LAB_MISSING' })
  })

  it('lab init: without --pin-stdin the PIN is the Io environment\'s UKEY_PIN (JSON output)', async () => {
    const envLab = join(root, 'env-lab')
    const io = fakeIo({ env: { UKEY_PIN: '97531' }, now: NOW, nativeEnvironment: true })
    expect(await labInit({ ...initFlags, dir: envLab, json: true, key: 'ec-p256', vendor: '31' }, io)).toBe(0)
    const doc = JSON.parse(io.out()) as LabState & { kind: string; lab: boolean }
    expect(doc).toMatchObject({ schemaVersion: 2, kind: 'ukey.lab', lab: true, exitCode: 0, dir: envLab, certificate: { key: { algorithm: 'EC', curve: 'P-256' } } })
    expect(doc.token.serial).toMatch(/^31\d{14}$/)
    expect(io.out()).not.toContain('97531')
    expect(await tokenTakes(doc, '97531')).toBe(true)
  })
})

describe('lab samples run(options, io)', () => {
  it('writes one certificate per window state, dated by the Io clock: check-window at that clock agrees with each', async () => {
    const dir = join(root, 'samples')
    const profile = join(root, 'profile.json')
    writeFileSync(profile, JSON.stringify({ pkcs11: { p11kit: false } }))
    const io = fakeIo({ now: NOW })
    expect(await labSamples({ dir, json: true, profile }, io)).toBe(0)
    const doc = JSON.parse(io.out()) as { kind: string; dir: string; ca: string; files: Array<{ file: string; state: string }> }
    expect(doc).toMatchObject({ kind: 'ukey.lab-samples', dir, ca: join(dir, 'lab-ca.crt') })
    expect(doc.files.map((f) => f.state).sort()).toEqual(['grace', 'lapsed', 'not-yet-valid', 'renewable', 'valid'])
    const check = fakeIo({ now: NOW })
    const flags = { recursive: false, 'password-stdin': false, token: false, lab: false, 'pin-stdin': false, force: false, login: false, output: 'ndjson', json: false, quiet: false, profile }
    await checkWindow({ ...flags, inputs: doc.files.map((f) => f.file) }, check)
    const states = check.out().trim().split('\n').map((l) => JSON.parse(l) as { type: string; source?: string; certificate?: { window: { state: string } } }).filter((r) => r.type === 'certificate')
    expect(states.map((r) => [r.source, r.certificate!.window.state])).toEqual(doc.files.map((f) => [f.file, f.state]))
  })

  it('as text: one line per file on the Io stdout', async () => {
    const dir = join(root, 'samples-text')
    const io = fakeIo({ now: NOW })
    expect(await labSamples({ dir, json: false, profile: join(root, 'profile.json') }, io)).toBe(0)
    expect(io.out().split('\n')[0]).toBe(`LAB · ${dir}`)
    expect(io.out()).toContain(`  renewable      ${join(dir, 'renewable.pem')}\n`)
  })
})
