// Compiles src/ to dist/ and copies the data files tsc does not.
import { spawnSync } from 'node:child_process'
import { cpSync, rmSync } from 'node:fs'

rmSync('dist', { recursive: true, force: true })
const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], { stdio: 'inherit' })
if (tsc.status !== 0) process.exit(tsc.status ?? 1)
cpSync('src/profile/profile.schema.json', 'dist/profile/profile.schema.json')
