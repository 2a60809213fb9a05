import { configDefaults, defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The Windows suite runs under Wine with its own config (scripts/test-windows.sh).
    exclude: [...configDefaults.exclude, 'test/windows/**'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // CLI tests spawn the built binary; two cores on CI.
    maxWorkers: 2,
    reporters: process.env['CI'] ? ['default'] : ['default'],
  },
})
