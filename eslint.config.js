import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/**', 'dist.*/**', 'node_modules/**', 'bench/out/**', 'coverage/**', 'test/fixtures/**', 'src/**/*.gen.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts'],
    rules: {
      // Lower layers never print: output goes through src/output and the commands.
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Below app/ and output/ (docs/architecture.md; the layer order itself is .dependency-cruiser.cjs's).
    files: ['src/cert/**/*.ts', 'src/hardware/**/*.ts', 'src/platform/**/*.ts', 'src/profile/**/*.ts', 'src/i18n/**/*.ts', 'src/renewal/**/*.ts', 'src/troubleshoot/**/*.ts', 'src/errors.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@oclif/*', '**/commands/*', '**/app/*', '**/output/*', '@inquirer/*', 'ora', 'chalk'], message: 'Lower layers never import the CLI, prompt or print (STYLE.md 1).' }] }],
      'no-restricted-properties': ['error', { object: 'process', property: 'stdout' }, { object: 'process', property: 'stderr' }, { object: 'process', property: 'stdin' }],
    },
  },
  {
    // The launcher and the build's code-cache step are CommonJS on purpose (bin/run.js: no ESM loader at start).
    files: ['bin/*.js', 'scripts/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
)
