// Bundles the CLI with esbuild into dist/ (one entry, lazily loaded chunks for
// what only some commands need: @peculiar/x509, the prompts, the spinner).
// One file to read instead of hundreds saves most of the start-up time
// (bench/README.md). Type checking is `npx tsc -p tsconfig.test.json`.
//
// A second, separate set of CommonJS files, dist/fast/ (entry.cjs reads the line,
// <id>.cjs runs it, each with V8's code cache beside it), runs `check-window`,
// `detect` and `diagnose` without @oclif/core when their command lines are plain
// (bin/run.js asks it first). Their flag specs are read here off the oclif command
// classes, so there is one list of flags.
import { build } from 'esbuild'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  // Prefer packages' ESM builds (@peculiar/x509's CommonJS build hides its exports behind default).
  mainFields: ['module', 'main'],
  target: 'node20',
  // Native packages and node-forge stay in node_modules. koffi finds its prebuilt koffi.node in the
  // platform package beside it (@koromix/koffi-<os>-<arch>, an optional dependency npm installs for the
  // host) by a path relative to its own files, so it must be loaded from there, not bundled; it is one
  // small file before the addon. oclif requires typescript and tsx only in development mode.
  external: ['node-forge', 'koffi', 'node-hid', 'usb', 'typescript', 'tsx'],
  // CommonJS dependencies inside an ESM bundle need require().
  banner: { js: "import { createRequire as __ukeyRequire } from 'node:module'; const require = __ukeyRequire(import.meta.url);" },
  logLevel: 'warning',
}

// check-window's batch-thread program (src/app/window-worker.ts) as one CommonJS
// script, embedded in both bundles (in its own lazily imported chunk,
// src/app/window-worker-source.ts) and started with `eval`: no file to find next to a
// chunk. pkcs12.ts's import.meta is never reached there (PKCS#12 files go back to the
// main thread).
const windowWorker = await build({
  ...common,
  banner: undefined,
  format: 'cjs',
  entryPoints: ['src/app/window-worker.ts'],
  write: false,
  minifySyntax: true,
  minifyWhitespace: true,
  define: { 'import.meta.url': 'undefined' },
})
const windowWorkerSource = JSON.stringify(windowWorker.outputFiles[0].text)

// Built aside and swapped in: a test or a benchmark running the CLI never sees half a dist/.
const next = `dist.next-${process.pid}`
process.on('exit', (code) => {
  if (code !== 0) rmSync(next, { recursive: true, force: true })
})
await build({
  ...common,
  // help.js: the help in the user's language (package.json oclif.helpClass), loaded only when help is asked for.
  entryPoints: { ukey: 'src/main.ts', help: 'src/commands/help-class.ts' },
  outdir: next,
  splitting: true,
  sourcemap: 'linked',
  minifySyntax: true,
  minifyWhitespace: true,
  chunkNames: 'chunks/[name]-[hash]',
  define: { UKEY_WINDOW_WORKER: windowWorkerSource },
})

// The flag spec, from the command class (oclif loaded here, at build time only).
const specFile = resolve(next, `fast-specs-${process.pid}.mjs`)
await build({ ...common, entryPoints: ['src/fast/specs.ts'], outfile: specFile })
const { fastSpecs } = await import(pathToFileURL(specFile).href)
const specs = fastSpecs()
rmSync(specFile)

// Man pages and completion scripts, from the command classes and the help catalogues (src/commands/reference/).
const refFile = resolve(next, `build-reference-${process.pid}.mjs`)
await build({ ...common, entryPoints: ['src/commands/reference/build-reference.ts'], outfile: refFile })
const { writeReference } = await import(pathToFileURL(refFile).href)
const { version } = JSON.parse(readFileSync('package.json', 'utf8'))
// SOURCE_DATE_EPOCH: reproducible pages (reproducible-builds.org).
const epoch = process.env.SOURCE_DATE_EPOCH ? new Date(Number(process.env.SOURCE_DATE_EPOCH) * 1000) : new Date()
writeReference(next, version, epoch.toISOString().slice(0, 10))
rmSync(refFile)

// The fast path as CommonJS, one self-contained file per command (no chunks): a
// CommonJS start skips Node's ESM loader (~5 ms) and every chunk is one more file to
// resolve, read and compile (bench/README.md, start-up). ukey's own modules that a
// command loads only for some flags stay inside its file (compiled only when called),
// so its classes (UkeyError and instanceof) exist once. A package imported with
// import() (ora, the prompts, the proxy agents: only some runs need one) is a file of
// its own, dist/fast/lazy/<package>.cjs, required when the import runs: inside the
// command's file it would be parsed on every start (iconv-lite alone is 0.5 MB).
//
// No import() is left in these files (esbuild turns the rest into require()): V8's code
// cache (scripts/fast-code-cache.cjs) loses the script's dynamic-import callback in Node 20.
// So each lazy package is reached through a small ESM module made here, which requires
// the file and re-exports the package's names: import() of it gives the package's own
// namespace, default export included (a plain require() would give module.exports as
// `default`, Node's rule for CommonJS, which esbuild follows).
const lazyFile = (pkg) => `${pkg.replace(/^@/, '').replace(/\//g, '+')}.cjs`
const lazyPackages = (found, dir) => ({
  name: 'ukey-lazy-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind !== 'dynamic-import' || args.path.startsWith('node:') || common.external.includes(args.path)) return undefined
      found.add(args.path)
      return { path: args.path, namespace: 'ukey-lazy' }
    })
    b.onResolve({ filter: /.*/, namespace: 'ukey-lazy' }, (args) => ({ path: args.path, external: true }))
    b.onLoad({ filter: /.*/, namespace: 'ukey-lazy' }, async (args) => {
      const names = Object.keys(await import(args.path)).filter((n) => n !== 'default' && /^[A-Za-z_$][\w$]*$/.test(n))
      const lines = [`const m = require(${JSON.stringify(dir + lazyFile(args.path))})`]
      if ('default' in (await import(args.path))) lines.push('export default m.default')
      if (names.length) lines.push(`export const { ${names.join(', ')} } = m`)
      return { contents: lines.join('\n'), loader: 'js' }
    })
  },
})
const fastOptions = {
  ...common,
  format: 'cjs',
  supported: { 'dynamic-import': false },
  // createRequire(import.meta.url) in the sources: the file's own URL in CommonJS.
  banner: { js: 'const __ukeyMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  outExtension: { '.js': '.cjs' },
  sourcemap: 'linked',
  minifySyntax: true,
  minifyWhitespace: true,
  // The batch-thread program is a file beside the bundles (window-worker-source.ts): as a string
  // inside check-window.cjs it was a third of the bundle every single-file run read and loaded.
  define: { UKEY_FAST_SPECS: JSON.stringify(JSON.stringify(specs)), UKEY_WINDOW_WORKER: 'undefined', UKEY_WINDOW_WORKER_FILE: '"./window-worker.cjs"', 'import.meta.url': '__ukeyMetaUrl' },
  metafile: true,
}
// createRequire(import.meta.url) in a fast bundle is the bundle's own require (bin/run.js
// gives each bundle one made for its file): node:module's public module would load the
// ESM loader behind it (~0.6 ms of each start, bench/README.md).
const ownRequire = {
  name: 'ukey-own-require',
  setup(b) {
    b.onResolve({ filter: /^node:module$/ }, () => ({ path: 'node:module', namespace: 'ukey-own-require' }))
    b.onLoad({ filter: /.*/, namespace: 'ukey-own-require' }, () => ({ contents: 'export const createRequire = () => require', loader: 'js' }))
  },
}
const lazy = new Set()
const fast = await build({
  ...fastOptions,
  entryPoints: {
    entry: 'src/fast/entry.ts',
    'check-window': 'src/fast/commands/check-window.ts',
    detect: 'src/fast/commands/detect.ts',
    diagnose: 'src/fast/commands/diagnose.ts',
    renew: 'src/fast/commands/renew.ts',
  },
  outdir: `${next}/fast`,
  plugins: [lazyPackages(lazy, './lazy/'), ownRequire],
})
writeFileSync(`${next}/fast/window-worker.cjs`, windowWorker.outputFiles[0].text)
// The lazy packages, and the packages they import() in turn.
for (const done = new Set(); done.size < lazy.size; ) {
  const todo = [...lazy].filter((p) => !done.has(p))
  todo.forEach((p) => done.add(p))
  const more = await build({
    ...fastOptions,
    entryPoints: Object.fromEntries(todo.map((p) => [lazyFile(p).slice(0, -4), p])),
    outdir: `${next}/fast/lazy`,
    plugins: [lazyPackages(lazy, './'), ownRequire],
  })
  Object.assign(fast.metafile.inputs, more.metafile.inputs)
}
const leftImport = readdirSync(`${next}/fast`, { recursive: true }).filter((f) => f.endsWith('.cjs') && /\bimport\(/.test(readFileSync(`${next}/fast/${f}`, 'utf8')))
if (leftImport.length) throw new Error(`dist/fast must not hold import() (the code cache drops its callback), but ${leftImport[0]} does`)
// One non-ASCII character makes V8 hold a whole bundle's source as two-byte text (and
// readFileSync decode it the slow way). esbuild escapes strings but not regular
// expressions: write those with \u escapes.
const nonAscii = readdirSync(`${next}/fast`, { recursive: true }).filter((f) => f.endsWith('.cjs') && /[^\x00-\x7f]/.test(readFileSync(`${next}/fast/${f}`, 'latin1')))
if (nonAscii.length) throw new Error(`dist/fast must be ASCII, but ${nonAscii[0]} is not (a regular expression with a literal non-ASCII character?)`)
const oclifInFast = Object.keys(fast.metafile.inputs).filter((p) => p.includes('node_modules/@oclif/'))
if (oclifInFast.length) throw new Error(`dist/fast must not load @oclif/core, but bundles ${oclifInFast[0]}`)

// V8's compiled code for each fast command's bundle (scripts/fast-code-cache.cjs), made by
// running it once on a line that needs no USB key, no lab and no network, in an empty home.
// Without it (or when this Node's V8 rejects it) bin/run.js compiles from source as before.
const cacheHome = mkdtempSync(join(tmpdir(), 'ukey-build-'))
const noModule = join(cacheHome, 'no-such-module.so')
const cacheRuns = {
  'check-window': [resolve('test/fixtures/certs/ec.pem')],
  detect: ['--no-usb', '--module', noModule],
  diagnose: ['9002', '--no-input', '--module', noModule],
  // The journal folder of an empty home: no key, no lab, no network.
  renew: ['--status', '--json'],
}
for (const [id, args] of Object.entries(cacheRuns)) {
  if (!args.every((a) => !a.endsWith('.pem') || existsSync(a))) continue
  const env = { PATH: process.env.PATH, HOME: cacheHome, XDG_CONFIG_HOME: join(cacheHome, 'config'), XDG_DATA_HOME: join(cacheHome, 'data'), XDG_STATE_HOME: join(cacheHome, 'state'), LANG: 'en_US.UTF-8', CI: 'true' }
  spawnSync(process.execPath, ['scripts/fast-code-cache.cjs', resolve(next), id, ...args], { env, stdio: 'ignore', timeout: 30_000 })
  if (!existsSync(`${next}/fast/${id}.cjs.cache`)) console.warn(`build: no code cache for dist/fast/${id}.cjs (it still runs, compiled at each start)`)
}
rmSync(cacheHome, { recursive: true, force: true })

const old = `dist.old-${process.pid}`
try {
  renameSync('dist', old)
} catch {
  // first build
}
renameSync(next, 'dist')
rmSync(old, { recursive: true, force: true })

// renew's code cache made from a whole renewal on a throwaway lab (SoftHSM2 token and `ukey lab
// serve`), not from `renew --status`: the renewal's own functions (the transaction, the token
// calls, the CMP messages) are then in it instead of compiled at every renewal, ~20 ms of the
// main thread's CPU (median 135 against 147 ms over 8 RSA renewals, bench/README.md "Session 6").
// The lab's key is EC: its set-up takes 0.2 s against 3.4 s for RSA, and the cache it gives
// served RSA renewals as well (135 ms either way; the code the two share is most of it).
// Made once dist/ is in place (the lab commands run through oclif); without SoftHSM2 the
// --status cache stays.
await labRenewalCache()

async function labRenewalCache() {
  const home = mkdtempSync(join(tmpdir(), 'ukey-build-lab-'))
  const env = { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_DATA_HOME: join(home, 'data'), XDG_STATE_HOME: join(home, 'state'), LANG: 'en_US.UTF-8', CI: 'true', UKEY_PIN: '123456' }
  const lab = join(home, 'lab')
  const cache = 'dist/fast/renew.cjs.cache'
  const kept = existsSync(cache) ? readFileSync(cache) : undefined
  let server
  try {
    const init = spawnSync(process.execPath, ['bin/run.js', 'lab', 'init', '--dir', lab, '--expires-in', '20', '--key', 'ec-p256', '--lang', 'en'], { env, stdio: 'ignore', timeout: 60_000 })
    if (init.status !== 0) return
    server = spawn(process.execPath, ['bin/run.js', 'lab', 'serve', '--dir', lab, '--port', '0', '--lang', 'en'], { env, stdio: ['ignore', 'ignore', 'pipe'] })
    const url = await new Promise((done) => {
      let said = ''
      const timer = setTimeout(() => done(undefined), 15_000).unref()
      server.stderr.on('data', (chunk) => {
        said += chunk
        const m = /CMP server on (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(said)
        if (m) {
          clearTimeout(timer)
          done(m[1])
        }
      })
      server.on('exit', () => done(undefined))
    })
    if (!url) return
    const run = spawnSync(process.execPath, ['scripts/fast-code-cache.cjs', resolve('dist'), 'renew', '--lab', '--lab-dir', lab, '--server', url, '--yes', '--json'], { env, stdio: 'ignore', timeout: 60_000 })
    if (run.status !== 0 && kept) writeFileSync(cache, kept)
  } finally {
    // The server writes its records as it stops: the folder goes once it has.
    if (server && server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((done) => server.once('exit', done))
      server.kill()
      await Promise.race([exited, new Promise((done) => setTimeout(done, 5_000).unref())])
    }
    rmSync(home, { recursive: true, force: true })
  }
}
