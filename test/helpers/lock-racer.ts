// A separate process racing for renewal locks (test/unit/renew-lock.test.ts).
// Reads "<dir> <serial>" lines on stdin; for each, calls lockKey at once and
// answers "won" or "busy <pid>"; a won lock is held until the next line, so a
// second winner in the same round cannot be explained by a release.
import { createInterface } from 'node:readline'
import { lockKey } from '../../src/renewal/lock.js'

let release: (() => void) | undefined
const lines = createInterface({ input: process.stdin })
process.stdout.write('ready\n')
lines.on('line', (line) => {
  release?.()
  release = undefined
  const [dir, serial] = line.split(' ')
  if (!dir || !serial) return
  try {
    release = lockKey(dir, serial)
    process.stdout.write(`won ${serial}\n`)
  } catch (e) {
    const err = e as { code?: string; params?: Record<string, unknown> }
    process.stdout.write(`${err.code === 'RENEWAL_BUSY' ? 'busy' : `error ${String(e)}`} ${serial} ${String(err.params?.['pid'] ?? '')}\n`)
  }
})
lines.on('close', () => release?.())
