// Preloaded with `node --import` into a CLI run by a test: at exit, the process's
// own getrusage(2) (peak RSS in KiB, CPU time in µs, all threads) goes to the file
// named by UKEY_TEST_USAGE_FILE. No /usr/bin/time needed, and nothing of the
// parent (vitest) is counted.
import { writeFileSync } from 'node:fs'

process.on('exit', () => {
  const file = process.env['UKEY_TEST_USAGE_FILE']
  if (file) writeFileSync(file, JSON.stringify(process.resourceUsage()))
})
