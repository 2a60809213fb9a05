// Issue 15, item 4: a `renew --json` failure document carries what ukey knew
// when it stopped (the key, the certificate, the server, the journal), it
// validates against docs/schema/renew.schema.json, and it says what to do next.
// The renewal runs in-process against the lab CMP server over HTTP on
// 127.0.0.1 with the fake token (for a second renewal in flight, key generation
// that fails); the document is the one the command writes (output/renew-render.ts).

import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ERROR_CODES, UkeyError } from '../../src/errors.js'
import { FakeToken, FakeTokenProvider, type FakeTokenSpec } from '../../src/hardware/pkcs11/fake.js'
import { en } from '../../src/i18n/en.js'
import { translator } from '../../src/i18n/index.js'
import { createLabCa, issueCertificate, type LabCa } from '../../src/lab/ca.js'
import type { CmpHttpServer } from '../../src/lab/cmp-http.js'
import { createLabCmpServer, type LabCmpServerOptions } from '../../src/lab/cmp-server.js'
import { exitCodeOf } from '../../src/output/exit-codes.js'
import { renewRecord, type RenewKnown } from '../../src/output/renew-render.js'
import type { BankProfile } from '../../src/profile/types.js'
import { BUILTIN_VENDORS } from '../../src/profile/vendors.js'
import { lockKey } from '../../src/renewal/lock.js'
import { RENEWAL_NEXT_ACTIONS } from '../../src/renewal/next-actions.js'
import { renew, type RenewOptions } from '../../src/renewal/transaction.js'
import { spkiOf } from '../../src/renewal/cmp/signer.js'
import { freePort } from '../helpers/openssl-cmp.js'
import { schemaErrors } from '../helpers/schemas.js'

const DAY = 86_400_000
const PIN = 'Wv-9182-pin'
const t = translator('en')

let dir: string
let ca: LabCa
let caFile: string
const servers: CmpHttpServer[] = []

async function labServer(more: Partial<LabCmpServerOptions> = {}): Promise<string> {
  const s = createLabCmpServer({ ca, policy: { renewBeforeDays: 30, graceAfterDays: 90 }, stateFile: join(dir, `state-${servers.length}.json`), ...more })
  const h = await s.listen('127.0.0.1', 0)
  servers.push(h)
  return `http://127.0.0.1:${h.port}/pkix/`
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ukey-renew-docs-'))
  ca = await createLabCa(new Date())
  caFile = join(dir, 'ca.crt')
  writeFileSync(caFile, ca.certPem)
})

afterAll(async () => {
  for (const s of servers) await s.close()
})

let n = 0x2000
async function certificate(daysLeft: number): Promise<{ der: Buffer; keyPem: string }> {
  const key: KeyObject = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
  const notAfter = new Date(Date.now() + daysLeft * DAY)
  const der = await issueCertificate(ca, {
    spki: spkiOf(key),
    subject: 'C=CN,O=ukey test,CN=王五',
    serialHex: (n++).toString(16) + randomBytes(4).toString('hex'),
    notBefore: new Date(notAfter.getTime() - 365 * DAY),
    notAfter,
  })
  return { der, keyPem: key.export({ type: 'pkcs8', format: 'pem' }) as string }
}

interface Case {
  /** Builds the token and the options; `known` says what the document must name. */
  setUp(): Promise<{ certs: Array<{ der: Buffer; keyPem: string }>; spec?: Partial<FakeTokenSpec>; url?: string; caCerts?: string[]; more?: Partial<RenewOptions> }>
  known: { token: boolean; certificate: boolean; journal: boolean }
  exit: number
}

const everything = { token: true, certificate: true, journal: false }

const CASES: Record<string, Case> = {
  // Refused locally: the lapsed certificate is named.
  RENEWAL_OUTSIDE_WINDOW: { setUp: async () => ({ certs: [await certificate(-120)] }), known: everything, exit: 30 },
  RENEWAL_BAD_CERTIFICATE: {
    setUp: async () => ({ certs: [await certificate(7)], url: await labServer({ misissue: 'other-key' }) }),
    // A new key was made and rolled back: the journal recording it is named too.
    known: { token: true, certificate: true, journal: true },
    exit: 30,
  },
  RENEWAL_SERVER_UNTRUSTED: {
    setUp: async () => {
      // The profile names another CA than the one that signs the server's answers.
      const other = await createLabCa(new Date())
      const otherFile = join(dir, 'other-ca.crt')
      writeFileSync(otherFile, other.certPem)
      return { certs: [await certificate(7)], url: await labServer(), caCerts: [otherFile] }
    },
    known: { token: true, certificate: true, journal: true },
    exit: 30,
  },
  RENEWAL_UNAVAILABLE: {
    setUp: async () => ({ certs: [await certificate(7)], url: `http://127.0.0.1:${await freePort()}/pkix/` }),
    known: { token: true, certificate: true, journal: true },
    exit: 31,
  },
  RENEWAL_KEYGEN_FAILED: {
    setUp: async () => ({ certs: [await certificate(7)], spec: { failKeyGeneration: true } }),
    known: { token: true, certificate: true, journal: true },
    exit: 31,
  },
  RENEWAL_NEEDS_CONFIRMATION: {
    setUp: async () => ({
      certs: [await certificate(7)],
      more: {
        confirm: () => {
          throw new UkeyError('RENEWAL_NEEDS_CONFIRMATION')
        },
      },
    }),
    known: everything,
    exit: 2,
  },
  RENEWAL_CERT_AMBIGUOUS: { setUp: async () => ({ certs: [await certificate(7), await certificate(9)] }), known: { token: true, certificate: false, journal: false }, exit: 2 },
  RENEWAL_BUSY: {
    setUp: async () => ({ certs: [await certificate(7)], spec: { serial: '2188776655443322' }, more: { journalDir: join(dir, 'busy') } }),
    known: { token: true, certificate: false, journal: false },
    exit: 31,
  },
  RENEWAL_NOT_CONFIGURED: { setUp: async () => ({ certs: [await certificate(7)], url: '' }), known: { token: false, certificate: false, journal: false }, exit: 3 },
}

describe('renew --json failure documents (issue 15)', () => {
  for (const [code, c] of Object.entries(CASES)) {
    it(`${code}: exit ${c.exit}, valid against the schema, names what was known, says what to do next`, async () => {
      const s = await c.setUp()
      const token = new FakeToken({
        serial: `21${randomBytes(7).toString('hex')}`,
        label: '王五的网银盾',
        pin: PIN,
        certificates: s.certs.map((x, i) => ({ id: `c${i}`, label: 'bank cert', der: x.der, privateKeyPem: x.keyPem })),
        ...s.spec,
      })
      const url = s.url ?? (await labServer())
      const profile: BankProfile = {
        name: 'test bank', lab: false, source: 'test', window: { renewBeforeDays: 30, graceAfterDays: 90 }, vendors: [],
        pkcs11: { modules: [], environment: {}, p11kit: false },
        renewal: url ? { url, caCerts: s.caCerts ?? [caFile], tlsCaCerts: [] } : null,
      }
      const journalDir = s.more?.journalDir ?? join(dir, `j-${code}`)
      // Another renewal of the same key in flight (this process holds its lock).
      const unlock = code === 'RENEWAL_BUSY' ? lockKey(journalDir, token.spec.serial) : undefined
      let known: RenewKnown | undefined
      let error: unknown
      try {
        await renew({
          ctx: { profile, modules: [], provider: new FakeTokenProvider([token]) },
          selector: {},
          pin: async () => PIN,
          journalDir,
          transfer: { timeoutMs: 3000, connectTimeoutMs: 1000 },
          sleep: async () => undefined,
          onEvent: (e) => {
            if (e.type === 'known') known = { token: e.token, plan: e.plan ?? known?.plan, journal: e.journal ?? known?.journal }
          },
          ...s.more,
        })
      } catch (e) {
        error = e
      } finally {
        unlock?.()
      }
      expect(error).toBeInstanceOf(UkeyError)
      const e = error as UkeyError
      expect(e.code, JSON.stringify(e.params)).toBe(code)
      expect(exitCodeOf(e)).toBe(c.exit)
      const doc = renewRecord({ error: e, ...(known ? { known } : {}), steps: [], lab: false, exitCode: exitCodeOf(e), at: new Date(), policy: { renewBeforeDays: 30, graceAfterDays: 90 } }, t) as Record<string, unknown>
      expect(schemaErrors('renew', doc)).toEqual([])
      expect(doc['token'] !== null, 'token').toBe(c.known.token)
      expect(doc['certificate'] !== null, 'certificate').toBe(c.known.certificate)
      expect(doc['server'] !== null, 'server').toBe(c.known.certificate)
      expect(doc['journal'] !== null, 'journal').toBe(c.known.journal)
      if (c.known.token) expect(doc['token']).toMatchObject({ serial: token.spec.serial })
      if (c.known.certificate) expect(doc['certificate']).toMatchObject({ id: 'c0', subject: { cn: '王五' } })
      const err = doc['error'] as { actions: string[] }
      expect(err.actions.length).toBeGreaterThan(0)
      expect(JSON.stringify(doc)).not.toContain(PIN)
    })
  }
})

describe('every RENEWAL_* code has a next action', () => {
  it('in the table, and the action is in the English catalogue', () => {
    const codes = ERROR_CODES.filter((c) => c.startsWith('RENEWAL_'))
    for (const c of codes) expect(en).toHaveProperty(RENEWAL_NEXT_ACTIONS[c as keyof typeof RENEWAL_NEXT_ACTIONS])
    expect(Object.keys(RENEWAL_NEXT_ACTIONS).sort()).toEqual([...codes].sort())
  })
})

describe('renew --key-number: the number printed on the key, checked before anything changes', () => {
  it('another vendor\'s number (31…) for a Watchdata key (21…): refused, nothing generated; its own vendor\'s number renews', async () => {
    const c = await certificate(7)
    const token = new FakeToken({ serial: '2100000000000042', label: '王五的网银盾', pin: PIN, certificates: [{ id: 'c0', label: 'bank cert', der: c.der, privateKeyPem: c.keyPem }] })
    const url = await labServer()
    const go = (keyNumber: string): ReturnType<typeof renew> =>
      renew({
        ctx: {
          profile: {
            name: 'test bank', lab: false, source: 'test', window: { renewBeforeDays: 30, graceAfterDays: 90 }, vendors: BUILTIN_VENDORS,
            pkcs11: { modules: [], environment: {}, p11kit: false }, renewal: { url, caCerts: [caFile], tlsCaCerts: [] },
          },
          modules: [],
          provider: new FakeTokenProvider([token]),
        },
        selector: {},
        keyNumber,
        pin: async () => PIN,
        journalDir: join(dir, 'j-key-number'),
        sleep: async () => undefined,
      })
    const e = await go('3100012345').then(() => undefined, (x: unknown) => x)
    expect(e).toBeInstanceOf(UkeyError)
    expect((e as UkeyError).key).toBe('error.KEY_NUMBER_MISMATCH')
    expect(exitCodeOf(e as UkeyError)).toBe(3)
    expect(token.objects).toHaveLength(1)
    expect((await go('2100012345')).outcome).toBe('renewed')
  })
})
