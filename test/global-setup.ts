import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

/** The CLI tests run the built binary; build once if a developer has not. */
export default function setup(): void {
  const root = join(import.meta.dirname, '..')
  if (!existsSync(join(root, 'dist/ukey.js'))) {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' })
  }
}
