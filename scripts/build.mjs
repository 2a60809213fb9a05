// Bundles the CLI with esbuild into dist/ (one entry, lazily loaded chunks for
// what only some commands need: @peculiar/x509, the prompts, the spinner).
// One file to read instead of hundreds saves most of the start-up time
// (bench/README.md). Type checking is `npx tsc -p tsconfig.test.json`.
//
// A second, separate bundle, dist/fast/entry.js, runs `check-window`, `detect`
// and `diagnose` without @oclif/core when their command lines are plain (bin/run.js
// asks it first). Their flag specs are read here off the oclif command classes,
// so there is one list of flags.
import { build } from 'esbuild'
import { readFileSync, renameSync, rmSync } from 'node:fs'
import { resolve } from 'node:path'
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

const fast = await build({
  ...common,
  entryPoints: { entry: 'src/fast/entry.ts' },
  outdir: `${next}/fast`,
  splitting: true,
  sourcemap: 'linked',
  minifySyntax: true,
  minifyWhitespace: true,
  chunkNames: 'chunks/[name]-[hash]',
  define: { UKEY_FAST_SPECS: JSON.stringify(JSON.stringify(specs)), UKEY_WINDOW_WORKER: windowWorkerSource },
  metafile: true,
})
const oclifInFast = Object.keys(fast.metafile.inputs).filter((p) => p.includes('node_modules/@oclif/'))
if (oclifInFast.length) throw new Error(`dist/fast must not load @oclif/core, but bundles ${oclifInFast[0]}`)

const old = `dist.old-${process.pid}`
try {
  renameSync('dist', old)
} catch {
  // first build
}
renameSync(next, 'dist')
rmSync(old, { recursive: true, force: true })
