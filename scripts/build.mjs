// Bundles the CLI with esbuild into dist/ (one entry, lazily loaded chunks for
// what only some commands need: @peculiar/x509, the prompts, the spinner).
// One file to read instead of hundreds saves most of the start-up time
// (bench/README.md). Type checking is `npx tsc -p tsconfig.test.json`.
import { build } from 'esbuild'
import { renameSync, rmSync } from 'node:fs'

// Built aside and swapped in: a test or a benchmark running the CLI never sees half a dist/.
const next = `dist.next-${process.pid}`
await build({
  entryPoints: { ukey: 'src/main.ts' },
  outdir: next,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  // Prefer packages' ESM builds (@peculiar/x509's CommonJS build hides its exports behind default).
  mainFields: ['module', 'main'],
  // …but graphene-pk11's ES2015 build resolves mechanisms differently from the CommonJS one it is tested with.
  alias: { 'graphene-pk11': './node_modules/graphene-pk11/build/cjs/index.js' },
  target: 'node20',
  sourcemap: 'linked',
  minifySyntax: true,
  minifyWhitespace: true,
  chunkNames: 'chunks/[name]-[hash]',
  // Native packages (pkcs11js, node-hid, usb) and node-forge stay in node_modules (graphene-pk11 is
  // bundled: its hundred small files cost ~150 ms to load one by one); oclif
  // requires typescript and tsx only in development mode.
  external: ['node-forge', 'pkcs11js', 'node-hid', 'usb', 'typescript', 'tsx'],
  // CommonJS dependencies inside an ESM bundle need require().
  banner: { js: "import { createRequire as __ukeyRequire } from 'node:module'; const require = __ukeyRequire(import.meta.url);" },
  logLevel: 'warning',
})
const old = `dist.old-${process.pid}`
try {
  renameSync('dist', old)
} catch {
  // first build
}
renameSync(next, 'dist')
rmSync(old, { recursive: true, force: true })
