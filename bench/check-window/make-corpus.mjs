#!/usr/bin/env node
// Generates a corpus of N real, signed X.509 certificates (PEM) for the
// check-window benchmark.
//
//   node bench/check-window/make-corpus.mjs [count=10000] [outDir=bench/out/corpus-<count>]
//
// - Files: <outDir>/<dd>/cert-<nnnnnn>.pem in 100 subdirectories (00..99).
// - Keys: a pool of 4 RSA-2048 and 4 EC P-256 subject keys, generated once per
//   run; every certificate's SPKI comes from the pool (alternating RSA / EC).
// - Signed by one EC P-256 CA (ecdsa-with-SHA256): its certificate is written
//   next to the corpus as <outDir>.ca.pem (outside the tree, so it is not counted).
// - Validity: notAfter spread uniformly from 200 days ago to 730 days ahead, so
//   lapsed / grace / renewable / valid all occur; ~3 % have notBefore in the
//   future (not-yet-valid). Certificate #0 is always "valid" (notBefore 30 days
//   ago, notAfter in a year): run.sh uses it for the single-file latency run.
// - Subjects: C=CN, O=<one of a few banks>, CN = 张三/李四/王五/赵六 + number for
//   a third of them, "user-<n>" for the rest.
// - The DER is built by hand (TBSCertificate v3: serial, sigAlg, issuer,
//   validity as UTCTime, subject, SPKI, basicConstraints) and signed with
//   crypto.sign: 100,000 certificates take seconds, not minutes.
//
// Skips generation when <outDir>/.corpus.json says the same count and the tree
// holds exactly that many .pem files. The window states are relative to the
// generation date (recorded in .corpus.json): delete the directory to regenerate.
import { X509Certificate, generateKeyPairSync, randomBytes, sign } from 'node:crypto'
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { join, dirname, resolve } from 'node:path'
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const count = Number.parseInt(process.argv[2] ?? '10000', 10)
if (!Number.isInteger(count) || count < 1) {
  console.error('usage: make-corpus.mjs [count] [outDir]')
  process.exit(2)
}
const outDir = resolve(process.argv[3] ?? join(here, '..', 'out', `corpus-${count}`))
const caPath = `${outDir}.ca.pem`
const markerPath = join(outDir, '.corpus.json')
const SUBDIRS = 100
const DAY_MS = 86_400_000

// ---------------------------------------------------------------- cache check
function countPem(dir) {
  let n = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) n += countPem(join(dir, e.name))
    else if (e.name.endsWith('.pem')) n++
  }
  return n
}
if (existsSync(markerPath) && existsSync(caPath)) {
  try {
    const marker = JSON.parse(readFileSync(markerPath, 'utf8'))
    if (marker.count === count && countPem(outDir) === count) {
      console.error(`corpus ${outDir}: ${count} certificates already there (generated ${marker.generatedAt}), skipped`)
      validateSample()
      process.exit(0)
    }
  } catch {
    // fall through and regenerate
  }
}

// ------------------------------------------------------------ openssl check
// A sample of 20 files, evenly spread: `openssl verify -no_check_time -CAfile`
// (signature and chain; expired ones are expected, hence -no_check_time) and
// `openssl x509 -noout -enddate` compared with node:crypto's own parse.
function validateSample() {
  if (process.env.BENCH_SKIP_OPENSSL_CHECK) return
  const step = Math.max(1, Math.floor(count / 20))
  const files = []
  for (let i = 0; i < count && files.length < 20; i += step) {
    files.push(join(outDir, String(i % SUBDIRS).padStart(2, '0'), `cert-${String(i).padStart(6, '0')}.pem`))
  }
  let verified
  try {
    verified = execFileSync('openssl', ['verify', '-no_check_time', '-CAfile', caPath, ...files], { encoding: 'utf8' })
  } catch (e) {
    if (e.code === 'ENOENT') {
      console.error('openssl not found: sample not validated')
      return
    }
    console.error(`openssl verify FAILED:\n${e.stdout ?? ''}${e.stderr ?? ''}`)
    process.exit(1)
  }
  const ok = verified.split('\n').filter((l) => l.endsWith(': OK')).length
  if (ok !== files.length) {
    console.error(`openssl verify: ${ok}/${files.length} OK\n${verified}`)
    process.exit(1)
  }
  for (const f of files) {
    const line = execFileSync('openssl', ['x509', '-noout', '-enddate', '-in', f], { encoding: 'utf8' }).trim()
    const opensslEnd = Date.parse(line.replace(/^notAfter=/, ''))
    const nodeEnd = Date.parse(new X509Certificate(readFileSync(f)).validTo)
    if (!Number.isFinite(opensslEnd) || opensslEnd !== nodeEnd) {
      console.error(`openssl x509 -enddate disagrees with node:crypto for ${f}: "${line}" vs ${new Date(nodeEnd).toISOString()}`)
      process.exit(1)
    }
  }
  console.error(`openssl: ${files.length} sample certificates verify against ${caPath}; -enddate matches node:crypto`)
}

// ---------------------------------------------------------------- DER builder
function len(n) {
  if (n < 0x80) return Buffer.from([n])
  const bytes = []
  while (n > 0) {
    bytes.unshift(n & 0xff)
    n >>>= 8
  }
  return Buffer.from([0x80 | bytes.length, ...bytes])
}
function tlv(tag, ...parts) {
  const body = Buffer.concat(parts)
  return Buffer.concat([Buffer.from([tag]), len(body.length), body])
}
const seq = (...p) => tlv(0x30, ...p)
const set = (...p) => tlv(0x31, ...p)
function oid(dotted) {
  const arcs = dotted.split('.').map(Number)
  const out = [arcs[0] * 40 + arcs[1]]
  for (const arc of arcs.slice(2)) {
    const b = [arc & 0x7f]
    let v = Math.floor(arc / 128)
    while (v > 0) {
      b.unshift(0x80 | (v & 0x7f))
      v = Math.floor(v / 128)
    }
    out.push(...b)
  }
  return tlv(0x06, Buffer.from(out))
}
function integer(bytes) {
  // positive INTEGER from big-endian bytes: strip leading zeros, keep the sign bit clear
  let i = 0
  while (i < bytes.length - 1 && bytes[i] === 0 && bytes[i + 1] < 0x80) i++
  let b = bytes.subarray(i)
  if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b])
  return tlv(0x02, b)
}
const utf8 = (s) => tlv(0x0c, Buffer.from(s, 'utf8'))
const printable = (s) => tlv(0x13, Buffer.from(s, 'latin1'))
function utcTime(ms) {
  const d = new Date(ms)
  const y = d.getUTCFullYear()
  if (y < 1950 || y > 2049) throw new Error(`UTCTime cannot hold ${d.toISOString()}`)
  const p = (n) => String(n).padStart(2, '0')
  const s = `${p(y % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`
  return tlv(0x17, Buffer.from(s, 'latin1'))
}
const OID = {
  C: '2.5.4.6',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  CN: '2.5.4.3',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  basicConstraints: '2.5.29.19',
}
function name(rdns) {
  return seq(...rdns.map(([type, value]) => set(seq(oid(OID[type]), type === 'C' ? printable(value) : utf8(value)))))
}
const SIG_ALG = seq(oid(OID.ecdsaWithSHA256)) // parameters absent (RFC 5758)
function basicConstraints(ca) {
  const value = ca ? seq(tlv(0x01, Buffer.from([0xff]))) : seq()
  const ext = [oid(OID.basicConstraints)]
  if (ca) ext.push(tlv(0x01, Buffer.from([0xff]))) // critical
  ext.push(tlv(0x04, value))
  return tlv(0xa3, seq(seq(...ext)))
}
function certificate({ serial, issuer, subject, notBefore, notAfter, spki, ca = false }, signingKey) {
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))), // version v3
    integer(serial),
    SIG_ALG,
    issuer,
    seq(utcTime(notBefore), utcTime(notAfter)),
    subject,
    spki,
    basicConstraints(ca),
  )
  const sig = sign('sha256', tbs, signingKey) // ECDSA: DER Ecdsa-Sig-Value
  return seq(tbs, SIG_ALG, tlv(0x03, Buffer.from([0]), sig))
}
function pem(der) {
  const b64 = der.toString('base64')
  let out = '-----BEGIN CERTIFICATE-----\n'
  for (let i = 0; i < b64.length; i += 64) out += b64.slice(i, i + 64) + '\n'
  return out + '-----END CERTIFICATE-----\n'
}
function serialBytes() {
  const b = randomBytes(12)
  b[0] = (b[0] & 0x7f) | 0x01 // positive and never leading zero
  return b
}

// ---------------------------------------------------------------- generation
const t0 = performance.now()
const now = Date.now()

// deterministic spread (mulberry32), so two corpora of the same size have the same state mix
let seed = 0x5eed1234
function rand() {
  seed |= 0
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const ca = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const caName = name([['C', 'CN'], ['O', 'ukey bench CA'], ['CN', 'ukey bench issuing CA']])
const caDer = certificate(
  {
    serial: serialBytes(),
    issuer: caName,
    subject: caName,
    notBefore: now - 3 * 365 * DAY_MS,
    notAfter: now + 5 * 365 * DAY_MS,
    spki: ca.publicKey.export({ type: 'spki', format: 'der' }),
    ca: true,
  },
  ca.privateKey,
)

const pool = []
for (let i = 0; i < 4; i++) {
  pool.push({ kind: 'rsa', spki: generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' }) })
  pool.push({ kind: 'ec', spki: generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' }) })
}
const tKeys = performance.now()

const ORGS = ['中国工商银行', 'China Construction Bank', '招商银行', 'Bank of Example']
const CN_NAMES = ['张三', '李四', '王五', '赵六']

rmSync(outDir, { recursive: true, force: true })
for (let d = 0; d < SUBDIRS; d++) mkdirSync(join(outDir, String(d).padStart(2, '0')), { recursive: true })
writeFileSync(caPath, pem(caDer))

const tally = { rsa: 0, ec: 0, chineseCN: 0, notYetValid: 0 }
for (let i = 0; i < count; i++) {
  let notBefore, notAfter
  if (i === 0) {
    notBefore = now - 30 * DAY_MS
    notAfter = now + 365 * DAY_MS
  } else {
    notAfter = now + Math.round((-200 + rand() * 930) * DAY_MS)
    if (rand() < 0.03) {
      notBefore = now + Math.round((1 + rand() * 60) * DAY_MS)
      if (notAfter <= notBefore) notAfter = notBefore + 365 * DAY_MS
      tally.notYetValid++
    } else {
      notBefore = Math.min(notAfter - 365 * DAY_MS, now - DAY_MS)
    }
  }
  const key = pool[i % pool.length]
  tally[key.kind]++
  let cn
  if (i % 3 === 1) {
    cn = `${CN_NAMES[i % CN_NAMES.length]}${String(i).padStart(6, '0')}`
    tally.chineseCN++
  } else {
    cn = `user-${String(i).padStart(6, '0')}`
  }
  const subject = name([['C', 'CN'], ['O', ORGS[i % ORGS.length]], ['OU', `branch ${i % 97}`], ['CN', cn]])
  const der = certificate({ serial: serialBytes(), issuer: caName, subject, notBefore, notAfter, spki: key.spki }, ca.privateKey)
  writeFileSync(join(outDir, String(i % SUBDIRS).padStart(2, '0'), `cert-${String(i).padStart(6, '0')}.pem`), pem(der))
}
const t1 = performance.now()

const marker = {
  count,
  generatedAt: new Date(now).toISOString(),
  ca: caPath,
  keys: '4 RSA-2048 + 4 EC P-256 (pool), CA EC P-256 / ecdsa-with-SHA256',
  ...tally,
  seconds: { keys: +((tKeys - t0) / 1000).toFixed(2), total: +((t1 - t0) / 1000).toFixed(2) },
}
validateSample()
writeFileSync(markerPath, JSON.stringify(marker, null, 2) + '\n')
console.error(
  `corpus ${outDir}: ${count} certificates in ${marker.seconds.total} s (keys ${marker.seconds.keys} s); ` +
    `RSA ${tally.rsa}, EC ${tally.ec}, Chinese CN ${tally.chineseCN}, not-yet-valid ${tally.notYetValid}; CA ${caPath}`,
)
