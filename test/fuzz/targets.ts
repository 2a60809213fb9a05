// What the fuzz runs attack, and what each may answer: a result, or the
// module's own typed error — UkeyError from the file readers, DerError from
// the strict DER reader, CmpError from the CMP decoder. Anything else (a
// TypeError, a RangeError, a library's own error, a stack overflow) is a
// finding, and so is one case taking longer than HANG_MS.

import fc from 'fast-check'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { decodeCertificates } from '../../src/cert/decode.js'
import { DerError } from '../../src/cert/der.js'
import { certDetails } from '../../src/cert/details.js'
import { pemBlocks } from '../../src/cert/pem.js'
import { openPkcs12 } from '../../src/cert/pkcs12.js'
import { pkcs7CertificateRanges } from '../../src/cert/pkcs7.js'
import { readCertSummary } from '../../src/cert/summary.js'
import { UkeyError } from '../../src/errors.js'
import { CmpError } from '../../src/renewal/cmp/errors.js'
import { parsePkiMessage, readResponse } from '../../src/renewal/cmp/messages.js'
import { mutatedDer, pemAround } from './mutate.js'
import { startWatchdog } from './watchdog.js'

/** One case slower than this is a hang (the slowest valid case takes a few ms). */
export const HANG_MS = 2_000

const CERTS = join(import.meta.dirname, '../fixtures/certs')
const CORPUS = join(import.meta.dirname, 'corpus')
const read = (dir: string, name: string): Buffer => readFileSync(join(dir, name))
const pemDer = (pem: Buffer): Buffer[] => pemBlocks(pem).map((b) => b.der)

const certSeeds = [
  read(CERTS, 'rsa.der'),
  ...pemDer(read(CERTS, 'ec.pem')),
  ...pemDer(read(CERTS, 'sm2.pem')),
  ...pemDer(read(CERTS, 'bmp.pem')),
  ...pemDer(read(CERTS, 'chain.pem')),
]
const pkcs7Seeds = [read(CERTS, 'bundle.p7b'), ...pemDer(read(CERTS, 'bundle-pem.p7b'))]
const pkcs12Seeds = ['aes-2iter.p12', 'legacy-2iter.p12', 'certonly-2iter.p12'].map((f) => read(CORPUS, f))
const cmpSeeds = readdirSync(CORPUS).filter((f) => f.endsWith('.der')).sort().map((f) => read(CORPUS, f))
const fileSeeds = ['rsa.pem', 'rsa.der', 'ec.pem', 'chain.pem', 'bundle.p7b', 'bundle-pem.p7b', 'trusted.pem', 'key-and-cert.pem', 'sm2.pem'].map((f) => read(CERTS, f))

export interface FuzzTarget {
  name: string
  /** What it covers, for the run report. */
  covers: string
  input: fc.Arbitrary<Buffer>
  /** Runs the reader; returns a short outcome label, throws only on an untyped error. */
  run(input: Buffer): Promise<string> | string
  /** Loads what the first case would load (a library's import is not a slow case). */
  warmUp?(): Promise<unknown>
}

/** The label of an allowed error, or rethrows. */
function typed(e: unknown, ...allowed: Array<new (...a: never[]) => Error>): string {
  if (allowed.some((c) => e instanceof c)) {
    const code = (e as { code?: string; reason?: string }).code ?? (e as { reason?: string }).reason
    return `${(e as Error).constructor.name}:${code ?? ''}`
  }
  throw e
}

/** A reader's outcome label, or the label of its allowed error. */
function reading(read: (input: Buffer) => string, ...allowed: Array<new (...a: never[]) => Error>): (input: Buffer) => string {
  return (input) => {
    try {
      return read(input)
    } catch (e) {
      return typed(e, ...allowed)
    }
  }
}

export const TARGETS: FuzzTarget[] = [
  {
    name: 'cert-file',
    covers: 'decodeCertificates: PEM / DER / PKCS#7 / PKCS#12 recognition, as check-window and show-cert read a file',
    input: fc.oneof(mutatedDer([...certSeeds, ...pkcs7Seeds, ...pkcs12Seeds]), pemAround(mutatedDer([...certSeeds, ...pkcs7Seeds])), mutatedDer(fileSeeds)),
    run: reading((input) => {
      const r = decodeCertificates(input, 'fuzz')
      return r === 'pkcs12' ? 'pkcs12' : `${r.format}:${r.certificates.length}/${r.problems.length}`
    }, UkeyError),
  },
  {
    name: 'pem',
    covers: 'pemBlocks: RFC 7468 text, labels, base64, missing END lines',
    input: pemAround(mutatedDer(certSeeds)),
    run: reading((input) => `blocks:${pemBlocks(input).length}`, DerError),
  },
  {
    name: 'der-summary',
    covers: 'the strict DER reader (der.ts) through readCertSummary (summary.ts): a certificate\'s fields',
    input: mutatedDer(certSeeds),
    run: reading((input) => (readCertSummary(input), 'ok'), DerError),
  },
  {
    name: 'pkcs7',
    covers: 'pkcs7CertificateRanges and each certificate in the bundle',
    input: mutatedDer(pkcs7Seeds),
    run: reading((input) => {
      const ranges = pkcs7CertificateRanges(input)
      for (const [s, e] of ranges) readCertSummary(input, s, e)
      return `certs:${ranges.length}`
    }, DerError),
  },
  {
    name: 'pkcs12',
    covers: 'openPkcs12 (node-forge behind it) with the right password: certificates, "wrong password", or a typed error',
    input: mutatedDer(pkcs12Seeds),
    run: reading((input) => {
      const r = openPkcs12(input, 'fuzz', 'fuzz')
      return r.ok ? `certs:${r.certificates.length}` : r.reason
    }, UkeyError),
  },
  {
    name: 'details',
    covers: 'certDetails (details.ts: names, extensions, public key on the strict DER walker) on every input the strict reader accepts',
    input: mutatedDer(certSeeds),
    warmUp: async () => certDetails(readCertSummary(certSeeds[0]!)),
    async run(input) {
      let summary
      try {
        summary = readCertSummary(input)
      } catch (e) {
        return typed(e, DerError)
      }
      try {
        await certDetails(summary)
        return 'details'
      } catch (e) {
        return `details-${typed(e, DerError)}`
      }
    },
  },
  {
    name: 'cmp',
    covers: 'parsePkiMessage and readResponse (asn1.ts schema, messages.ts): every body ukey and the lab server read',
    input: mutatedDer(cmpSeeds),
    run: reading((input) => {
      const msg = parsePkiMessage(input)
      const body = Object.keys(msg.body).find((k) => (msg.body as unknown as Record<string, unknown>)[k] !== undefined) ?? '?'
      // Decoded, then read as a response: a request is 'parsed:<body>/CmpError:unsupported'.
      return reading((i) => `response:${readResponse(i).kind}`, CmpError)(input).replace(/^CmpError/, `parsed:${body}/CmpError`)
    }, CmpError),
  },
]

export interface TargetReport {
  target: string
  cases: number
  seed: number
  ms: number
  maxCaseMs: number
  /** Outcome label → count: how deep the cases reached. */
  outcomes: Record<string, number>
  failure?: string
}

/**
 * Runs one target for `cases` cases from `seed`; never throws (a failure is in the report).
 * With `watchdog`, a case stuck for 5 × HANG_MS ends the process with a report (watchdog.ts).
 */
export async function runTarget(t: FuzzTarget, cases: number, seed: number, watchdog?: { record?: string }): Promise<TargetReport> {
  const outcomes: Record<string, number> = {}
  let maxCaseMs = 0
  await t.warmUp?.()
  const dog = watchdog ? startWatchdog({ target: t.name, seed, cases }, 5 * HANG_MS, watchdog.record) : undefined
  const started = performance.now()
  const property = fc.asyncProperty(t.input, async (input) => {
    dog?.enter(input)
    const t0 = performance.now()
    const label = await t.run(input)
    const ms = performance.now() - t0
    maxCaseMs = Math.max(maxCaseMs, ms)
    if (ms > HANG_MS) throw new Error(`one case took ${Math.round(ms)} ms (input ${input.length} bytes)`)
    const key = label.replace(/:\d+\/\d+$|:\d+$/, '')
    outcomes[key] = (outcomes[key] ?? 0) + 1
  })
  const details = await fc.check(property, { numRuns: cases, seed, endOnFailure: false })
  await dog?.stop()
  const report: TargetReport = { target: t.name, cases: details.numRuns, seed, ms: Math.round(performance.now() - started), maxCaseMs: Math.round(maxCaseMs * 10) / 10, outcomes }
  if (details.failed) {
    const err = details.errorInstance
    const input = details.counterexample?.[0] as Buffer | undefined
    report.failure = `${err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err)} | counterexample (hex): ${input ? Buffer.from(input).toString('hex').slice(0, 400) : '?'} | path ${details.counterexamplePath}`
  }
  return report
}
