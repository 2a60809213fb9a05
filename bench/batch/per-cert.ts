// µs per certificate for each stage of `check-window` over many files, in one process,
// on files read into memory first (no system calls, no start-up): where the CPU of a
// batch goes, stage by stage, so a change to one stage is measured alone (issue 16).
// The whole-process comparison with the Python peer stays bench/run.sh's job.
//
//   npx tsx bench/batch/per-cert.ts [DIR (default bench/out/corpus-20000)] [zh-CN|en]
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { decodeCertificates } from '../../src/cert/decode.js'
import { pemBlocks } from '../../src/cert/pem.js'
import { readCertSummary, type CertSummary } from '../../src/cert/summary.js'
import { assessWindow } from '../../src/cert/window.js'
import { certIdentity } from '../../src/cert/identity.js'
import { certificateText } from '../../src/output/certificate-json.js'
import { adviceFor, certificateJson } from '../../src/output/window-records.js'
import { translator, type Lang } from '../../src/i18n/index.js'
import { DEFAULT_PROFILE } from '../../src/profile/default.js'

const root = process.argv[2] ?? 'bench/out/corpus-20000'
const lang = (process.argv[3] ?? 'zh-CN') as Lang

function files(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue
    const p = join(dir, name)
    if (statSync(p).isDirectory()) files(p, out)
    else out.push(p)
  }
  return out
}

const inputs = files(root).map((p) => [p, readFileSync(p)] as const)
const n = inputs.length
const t = translator(lang)
const at = new Date()
const profile = DEFAULT_PROFILE
const certs: CertSummary[] = inputs.map(([p, b]) => {
  const d = decodeCertificates(b, p)
  if (d === 'pkcs12' || d.certificates.length !== 1) throw new Error(`${p}: not one certificate`)
  return d.certificates[0]!
})
const ders = inputs.map(([, b]) => pemBlocks(b)[0]!.der)
const windows = certs.map((c) => assessWindow(c, at, profile.window))
const sink = Buffer.allocUnsafe(1 << 22)
let used = 0
// certificateJson's lines are UTF-8 octets (src/output/octets.ts): copied as they are, as TextSink.writeOctets does.
const write = (s: string): void => {
  if (used + s.length > sink.length) used = 0
  used += sink.write(s, used, 'latin1')
}
const row = (i: number) => ({ type: 'certificate' as const, source: inputs[i]![0], index: 1, format: 'pem' as const, cert: certs[i]!, window: windows[i]! })

const stages: Array<[string, () => void]> = [
  ['pemBlocks', () => { for (const [, b] of inputs) pemBlocks(b) }],
  ['readCertSummary', () => { for (const d of ders) readCertSummary(d) }],
  ['decodeCertificates', () => { for (const [p, b] of inputs) decodeCertificates(b, p) }],
  ['assessWindow', () => { for (const c of certs) assessWindow(c, at, profile.window) }],
  ['certIdentity', () => { for (const c of certs) certIdentity(c) }],
  ['certificateText', () => { for (let i = 0; i < n; i++) certificateText(certs[i]!, windows[i]!) }],
  ['adviceFor', () => { for (let i = 0; i < n; i++) adviceFor(windows[i]!, certs[i]!.notBefore, t, profile) }],
  ['certificateJson', () => { for (let i = 0; i < n; i++) certificateJson(row(i), t, profile) }],
  ['certificateJson + write', () => { for (let i = 0; i < n; i++) write(certificateJson(row(i), t, profile) + '\n') }],
  ['all (decode → line written)', () => {
    for (const [p, b] of inputs) {
      const d = decodeCertificates(b, p)
      if (d === 'pkcs12') continue
      const cert = d.certificates[0]!
      write(certificateJson({ type: 'certificate', source: p, index: 1, format: d.format, cert, window: assessWindow(cert, at, profile.window) }, t, profile) + '\n')
    }
  }],
]

console.log(`${n} certificates from ${root}, ${lang}, node ${process.version}; µs per certificate, best of 5 passes after one warm-up`)
for (const [name, f] of stages) {
  f()
  let best = Infinity
  for (let r = 0; r < 5; r++) {
    const s = process.hrtime.bigint()
    f()
    best = Math.min(best, Number(process.hrtime.bigint() - s) / n / 1000)
  }
  console.log(`${name.padEnd(30)} ${best.toFixed(2).padStart(7)}`)
}
