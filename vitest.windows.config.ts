import { defineConfig } from 'vitest/config'

// The Windows suite (scripts/test-windows.sh): vitest on Linux, ukey under Wine
// as node.exe. One Wine prefix and one certificate store for every file, so the
// files run one after another; a persistent wineserver saves ~0.7 s per start.
export default defineConfig({
  test: {
    include: ['test/windows/**/*.test.ts'],
    globalSetup: ['test/windows/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
})
