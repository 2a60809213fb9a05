import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { missingTestTools } from './helpers/tools.js'

/**
 * Before any test: every external tool the suite calls is installed (a missing one would
 * otherwise surface as "expected '' to contain …" deep inside a test), and the CLI the
 * tests run is built.
 */
export default function setup(): void {
  const missing = missingTestTools()
  if (missing.length > 0) throw new Error(missing.join('\n'))
  const root = join(import.meta.dirname, '..')
  if (!existsSync(join(root, 'dist/ukey.js'))) {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' })
  }
}
