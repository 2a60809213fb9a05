// The layering of docs/architecture.md, enforced (scripts/test.sh runs it; `npm run deps`).
// Each folder may import only the folders below it; no cycles between files (and so none
// between folders). A violation names the rule, the importing file and the imported one.
//
//   commands → app → output → troubleshoot → renewal → hardware → profile → cert → platform → errors → i18n
//
// fast/ is an entry beside commands/ (check-window without oclif); lab/ is the embedded
// bank: only its use cases (src/app/lab/) may import it, and only the lab's commands
// (src/commands/lab/) import those, so no production path reaches the lab.
const LAYERS = [
  ['main', '^src/main[.]ts$'],
  ['fast', '^src/fast/'],
  ['commands', '^src/commands/'],
  ['app', '^src/app/'],
  ['output', '^src/output/'],
  ['troubleshoot', '^src/troubleshoot/'],
  ['renewal', '^src/renewal/'],
  ['hardware', '^src/hardware/'],
  ['profile', '^src/profile/'],
  ['cert', '^src/cert/'],
  ['platform', '^src/platform/'],
  ['errors', '^src/errors[.]ts$'],
  ['i18n', '^src/i18n/'],
]

// What each layer may import besides itself (everything below it, except where noted).
const ALLOWED = {
  main: ['commands'],
  fast: ['commands', 'app', 'output', 'troubleshoot', 'renewal', 'hardware', 'profile', 'cert', 'platform', 'errors', 'i18n'],
  commands: ['app', 'output', 'troubleshoot', 'renewal', 'hardware', 'profile', 'cert', 'platform', 'errors', 'i18n'],
  app: ['output', 'troubleshoot', 'renewal', 'hardware', 'profile', 'cert', 'platform', 'errors', 'i18n'],
  output: ['troubleshoot', 'renewal', 'hardware', 'profile', 'cert', 'platform', 'errors', 'i18n'],
  // The rules engine reads the renewal's state (its journals, its server probe); the renewal never imports the engine.
  troubleshoot: ['renewal', 'hardware', 'profile', 'cert', 'platform', 'errors', 'i18n'],
  renewal: ['hardware', 'profile', 'cert', 'platform', 'errors', 'i18n'],
  hardware: ['profile', 'cert', 'platform', 'errors', 'i18n'],
  profile: ['cert', 'platform', 'errors', 'i18n'],
  cert: ['platform', 'errors', 'i18n'],
  platform: ['errors', 'i18n'],
  errors: ['i18n'],
  i18n: [],
}

const layerPath = Object.fromEntries(LAYERS)
const upward = LAYERS.map(([name, path]) => ({
  name: `layer-${name}`,
  comment: `${name} may import only ${ALLOWED[name].join(', ') || 'nothing of ukey'} (docs/architecture.md)`,
  severity: 'error',
  from: { path },
  to: {
    path: '^src/',
    // Who may import the lab is the lab rules' business (below).
    pathNot: [path, '^src/lab/', ...ALLOWED[name].map((n) => layerPath[n])],
  },
}))

module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      comment: 'No cycles between files, and so none between folders (docs/architecture.md)',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-folder-cycle',
      comment: 'No cycles between folders either, at any depth (hardware/usb and hardware/pkcs11 too)',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    ...upward,
    {
      name: 'lab-only-from-its-use-cases',
      comment: 'Production code never imports the lab; its use cases (src/app/lab/) are the one way in',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/lab/', '^src/app/lab/'] },
      to: { path: '^src/lab/' },
    },
    {
      name: 'lab-use-cases-only-from-lab-commands',
      comment: 'Only the lab\'s commands (src/commands/lab/) run the lab\'s use cases: no other command or use case reaches the lab through them',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/app/lab/', '^src/commands/lab/'] },
      to: { path: '^src/app/lab/' },
    },
    {
      name: 'lab-stays-below-commands',
      comment: 'The lab is the bank\'s side: it may use the domain, never the commands, app or output',
      severity: 'error',
      from: { path: '^src/lab/' },
      to: { path: '^src/(main|fast|commands|app|output)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    exclude: { path: '[.]gen[.]js$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
    reporterOptions: {
      archi: { collapsePattern: '^src/([^/]+)/|^src/[^/]+[.]ts$' },
    },
  },
}
