import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLabCa, issueCertificate, type LabCa } from '../../src/lab/ca.js'
import { FakeToken, FakeTokenProvider, type FakeTokenSpec } from '../../src/hardware/pkcs11/fake.js'
import { DEFAULT_PROFILE } from '../../src/profile/default.js'
import type { DiagnoseWorld } from '../../src/troubleshoot/world.js'
import type { DiagnosisReport } from '../../src/troubleshoot/types.js'
import type { JournalRecord } from '../../src/renewal/journal.js'

export const NOW = new Date('2026-06-01T00:00:00Z')
export const PIN = '246813'
const DAY = 86_400_000

let ca: Promise<{ ca: LabCa; file: string }> | undefined
/** One test CA per file (a bank CA stand-in), written where a profile would name it. */
export function testCa(): Promise<{ ca: LabCa; file: string }> {
  ca ??= createLabCa(new Date(NOW.getTime() - 400 * DAY)).then((c) => {
    const file = join(mkdtempSync(join(tmpdir(), 'ukey-diag-ca-')), 'bank-ca.pem')
    writeFileSync(file, c.certPem)
    return { ca: c, file }
  })
  return ca
}

export interface CustomerCert {
  der: Buffer
  privateKeyPem: string
  serial: string
}

/** A customer certificate from the test CA expiring `daysLeft` from NOW (negative: expired), with its EC key. */
export async function customerCert(daysLeft: number, opts: { keyPem?: string } = {}): Promise<CustomerCert> {
  const { ca: c } = await testCa()
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  const spki = pair.publicKey.export({ type: 'spki', format: 'der' })
  const serial = Math.floor(Math.random() * 0xffffffff).toString(16).padStart(8, '1')
  const notAfter = new Date(NOW.getTime() + daysLeft * DAY)
  const der = await issueCertificate(c, { spki, subject: 'C=CN,O=ukey test,CN=李四', serialHex: serial, notBefore: new Date(notAfter.getTime() - 365 * DAY), notAfter })
  return { der, privateKeyPem: opts.keyPem ?? (pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string), serial }
}

export const SERIAL = '2100000012345678'

/** A fake key with this certificate (or none), serial 21… (Watchdata, FAQ 1). */
export function fakeKey(cert: CustomerCert | null, spec: Partial<FakeTokenSpec> = {}): FakeToken {
  return new FakeToken({
    serial: SERIAL,
    label: 'customer',
    pin: PIN,
    certificates: cert ? [{ id: 'a1', label: 'cert', der: cert.der, privateKeyPem: cert.privateKeyPem }] : [],
    ...spec,
  })
}

/** The world the checks see: a fake token provider, no USB device, a journal folder, a fixed clock, a PIN. */
export async function fakeWorld(tokens: FakeToken[], over: Partial<DiagnoseWorld> = {}): Promise<DiagnoseWorld> {
  const { file } = await testCa()
  const provider = new FakeTokenProvider(tokens, { path: 'fake', manufacturer: 'ukey' })
  return {
    profile: {
      ...DEFAULT_PROFILE,
      pkcs11: { modules: ['fake'], environment: {}, p11kit: false },
      renewal: { url: 'http://127.0.0.1:9/pkix/', caCerts: [file], tlsCaCerts: [] },
    },
    providerFactory: async () => provider,
    listUsb: async () => ({ keys: [], errors: [] }),
    journalDir: mkdtempSync(join(tmpdir(), 'ukey-diag-journal-')),
    now: () => NOW,
    pin: async () => PIN,
    selector: {},
    softStores: [],
    allowed: ['test-keygen'],
    deviceHolders: async () => ({ holders: [], complete: true }),
    ...over,
  }
}

/** Writes a renewal journal as `ukey renew` leaves it. */
export function writeJournal(dir: string, record: Partial<JournalRecord> & Pick<JournalRecord, 'state' | 'entries'> & { oldSerial: string }): void {
  mkdirSync(dir, { recursive: true })
  const { oldSerial, ...rest } = record
  const full: JournalRecord = {
    schemaVersion: 1,
    id: `${SERIAL}-${oldSerial}`,
    createdAt: '2026-05-20T08:00:00.000Z',
    token: { serial: SERIAL, label: 'customer', module: 'fake' },
    old: { keyId: 'a1', certSerial: oldSerial, certSha256: '00' },
    ...rest,
  }
  writeFileSync(join(dir, `${full.id}.json`), JSON.stringify(full, null, 2))
}

/** The walk in one line per step: outcome, FAQ step, what it is (check ids, ask:<id>, say). */
export function walk(r: DiagnosisReport): string[] {
  return r.steps.map((s) => {
    const what = s.step.kind === 'check' ? [s.step.check].flat().join('|') : s.step.kind === 'question' ? `ask:${s.step.id}` : 'say'
    return `${s.outcome} ${s.step.faq} ${what}`
  })
}
