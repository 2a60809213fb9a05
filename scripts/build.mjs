// Compiles src/ to dist/ and copies the data files tsc does not.
import { execFileSync } from 'node:child_process'
import { cpSync, rmSync } from 'node:fs'

rmSync('dist', { recursive: true, force: true })
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], { stdio: 'inherit' })
cpSync('src/profile/profile.schema.json', 'dist/profile/profile.schema.json')
