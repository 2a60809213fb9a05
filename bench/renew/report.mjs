// Markdown report of bench/renew/run.sh: reads its results.jsonl (one line per
// iteration and tool: wall ms, load average, per-step ms) and prints medians,
// ukey ÷ by hand, and the share of each that is key generation.
//   node bench/renew/report.mjs results.jsonl [startup.json (hyperfine)]
import { existsSync, readFileSync, writeFileSync } from 'node:fs'

const rows = readFileSync(process.argv[2], 'utf8').trim().split('\n').map((l) => JSON.parse(l))
const env = process.env
const counted = rows.filter((r) => r.iter >= 1)
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const KEYGEN = { ukey: 'key-generated', hand: 'keypairgen' }
const of = (tool) => counted.filter((r) => r.tool === tool)
const keygen = (r) => r.steps[KEYGEN[r.tool]]
const ms = (v) => v.toFixed(0)
const pct = (v) => `${(v * 100).toFixed(0)} %`
const x = (v) => `${v.toFixed(2)}×`

const u = of('ukey')
const h = of('hand')
const stat = (set) => ({
  total: median(set.map((r) => r.ms)),
  keygen: median(set.map(keygen)),
  rest: median(set.map((r) => r.ms - keygen(r))),
  share: median(set.map((r) => keygen(r) / r.ms)),
})
const su = stat(u)
const sh = stat(h)

const out = []
const p = (s = '') => out.push(s)
p(`# renew benchmark, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`)
p()
p(`- Machine: ${env.MACHINE}. Load average (1, 5, 15 min) at start ${env.LOAD_START}, at end ${env.LOAD_END}.`)
p(`- ${env.VERSIONS}.`)
p(`- ukey: snapshot of dist/ built ${env.SNAP_TIME} (HEAD ${env.COMMIT}${+env.DIRTY ? `, ${env.DIRTY} uncommitted paths under src/ bin/` : ''}).`)
p(`- ${u.length} iterations each (plus ${env.WARMUP} warm-up not counted); a fresh lab (SoftHSM2 token, certificate expiring in 20 days, \`ukey lab serve\`) per run, set up outside the timed part; the order alternates.`)
p()
p('| | ukey renew --lab --yes --json | by hand (pkcs11-tool + openssl cmp) | ukey ÷ by hand |')
p('| --- | ---: | ---: | ---: |')
p(`| median wall time, ms | ${ms(su.total)} | ${ms(sh.total)} | **${x(su.total / sh.total)}** |`)
p(`| median key generation, ms | ${ms(su.keygen)} | ${ms(sh.keygen)} | ${x(su.keygen / sh.keygen)} |`)
p(`| median key generation share | ${pct(su.share)} | ${pct(sh.share)} | |`)
p(`| median wall time without key generation, ms | ${ms(su.rest)} | ${ms(sh.rest)} | ${x(su.rest / sh.rest)} |`)
p()
p('Key generation: for ukey the `key-generated` step of `--json` (C_GenerateKeyPair, RSA 2048, on the token); by hand the `pkcs11-tool --keypairgen` process. RSA key generation searches for primes, so its time varies from run to run by a factor of several; the row without it is the steadier comparison.')
p()
const steps = (set) => Object.keys(set[0].steps)
p('Median per step, ms:')
p()
p('| ukey step | ms | | by-hand step | ms |')
p('| --- | ---: | --- | --- | ---: |')
const us = [...steps(u), '(process start, lab profile, token, output: wall − Σ steps)']
const hs = [...steps(h), '(bash start, openssl.cnf: wall − Σ steps)']
const uv = [...steps(u).map((s) => median(u.map((r) => r.steps[s]))), median(u.map((r) => r.ms - Object.values(r.steps).reduce((a, b) => a + b, 0)))]
const hv = [...steps(h).map((s) => median(h.map((r) => r.steps[s]))), median(h.map((r) => r.ms - Object.values(r.steps).reduce((a, b) => a + b, 0)))]
for (let i = 0; i < Math.max(us.length, hs.length); i++) {
  p(`| ${us[i] ?? ''} | ${uv[i] === undefined ? '' : ms(uv[i])} | | ${hs[i] ?? ''} | ${hv[i] === undefined ? '' : ms(hv[i])} |`)
}
p()
p('Every run:')
p()
p('| iteration | tool | load (1 min) | wall ms | key generation ms | share |')
p('| ---: | --- | ---: | ---: | ---: | ---: |')
for (const r of rows) {
  const it = r.iter >= 1 ? String(r.iter) : 'warm-up'
  p(`| ${it} | ${r.tool === 'ukey' ? 'ukey' : 'by hand'} | ${r.load.toFixed(2)} | ${ms(r.ms)} | ${ms(keygen(r))} | ${pct(keygen(r) / r.ms)} |`)
}
const startup = process.argv[3]
if (startup && existsSync(startup)) {
  p()
  p('Start-up reference (`hyperfine -N`, 15 runs, lab token): one process start on each side.')
  p()
  p('| command | median ms | σ ms |')
  p('| --- | ---: | ---: |')
  for (const r of JSON.parse(readFileSync(startup, 'utf8')).results) p(`| ${r.command} | ${(r.median * 1000).toFixed(1)} | ${(r.stddev * 1000).toFixed(1)} |`)
}
// bench/run.sh reads the medians from here (its verdict table).
if (env.RENEW_SUMMARY) {
  const loads = counted.map((r) => r.load)
  writeFileSync(env.RENEW_SUMMARY, JSON.stringify({ ukeyMs: su.total, handMs: sh.total, ukeyRestMs: su.rest, handRestMs: sh.rest, load: `${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}` }))
}
console.log(out.join('\n'))
