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
    files: ['src/cert/**/*.ts', 'src/flows/**/*.ts', 'src/hardware/**/*.ts', 'src/profile/**/*.ts', 'src/i18n/**/*.ts', 'src/renewal/**/*.ts', 'src/troubleshoot/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@oclif/*', '**/commands/*', '**/cli/*', '@inquirer/*', 'ora', 'chalk'], message: 'Lower layers never import the CLI, prompt or print (STYLE.md 1).' }] }],
      'no-restricted-properties': ['error', { object: 'process', property: 'stdout' }, { object: 'process', property: 'stderr' }],
    },
  },
)
