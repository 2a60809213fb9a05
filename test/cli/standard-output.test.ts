import { spawn } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FileOutput } from '../../src/platform/std-output.js'
import { UkeyError } from '../../src/errors.js'
import { FIXTURES, ROOT, collect, fixture, isolatedEnv, ukey, type RunResult } from '../helpers/cli.js'

// Standard output that is a regular file or the null device is written with plain
// synchronous writes, without Node's stream (src/platform/std-output.ts): the same
// bytes as through a pipe, and a failing device is one clear error, never a stack trace.

const AT = '2026-06-01T00:00:00Z'

/** The CLI with its standard output on `stdoutFd` (a file, /dev/full), stderr collected. */
function ukeyTo(stdoutFd: number, args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/run.js'), ...args], { cwd: ROOT, env: isolatedEnv(env), stdio: ['ignore', stdoutFd, 'pipe'] })
  return collect(child)
}

const LINES: Array<[string, string[]]> = [
  ['check-window, a table', ['check-window', fixture('ec.pem'), fixture('chain.pem'), '--at', AT]],
  ['check-window, ndjson over a folder with damaged files', ['check-window', '-r', FIXTURES, '--output', 'ndjson', '--at', AT]],
  ['check-window, zh-CN', ['check-window', fixture('chain.pem'), '--at', AT, '--lang', 'zh-CN']],
  ['show-cert --json', ['show-cert', fixture('ec.pem'), '--json']],
]

describe('standard output to a file', () => {
  for (const [name, args] of LINES) {
    for (const path of ['fast path', 'oclif'] as const) {
      it(`${name} (${path}): the file holds the bytes a pipe gets, with the same exit code`, async () => {
        const env: Record<string, string> = path === 'oclif' ? { UKEY_NO_FAST_PATH: '1' } : {}
        const piped = await ukey(args, { env })
        const file = join(mkdtempSync(join(tmpdir(), 'ukey-out-')), 'out')
        const fd = openSync(file, 'w')
        let toFile: RunResult
        try {
          toFile = await ukeyTo(fd, args, env)
        } finally {
          closeSync(fd)
        }
        expect(piped.stdout.length).toBeGreaterThan(0)
        expect(readFileSync(file, 'utf8')).toBe(piped.stdout)
        expect(toFile.code).toBe(piped.code)
        expect(toFile.stderr).toBe(piped.stderr)
      })
    }
  }
})

describe('standard output on a device that fails every write (/dev/full)', () => {
  for (const path of ['fast path', 'oclif'] as const) {
    for (const lang of ['en', 'zh-CN'] as const) {
      it(`${path}, ${lang}: OUTPUT_UNWRITABLE's message, exit 1, no stack trace`, async () => {
        const fd = openSync('/dev/full', 'w')
        let r: RunResult
        try {
          r = await ukeyTo(fd, ['check-window', fixture('ec.pem'), '--at', AT, '--lang', lang], path === 'oclif' ? { UKEY_NO_FAST_PATH: '1' } : {})
        } finally {
          closeSync(fd)
        }
        expect(r.code).toBe(1)
        expect(r.stderr).toContain(lang === 'en' ? 'The output cannot be written (ENOSPC)' : '无法写出结果（ENOSPC）')
        expect(r.stderr).not.toMatch(/^\s+at /m)
        expect(r.stderr.trim().split('\n')).toHaveLength(1)
      })
    }
  }

  it('a file whose writes fail: FileOutput throws OUTPUT_UNWRITABLE (the command reports it)', () => {
    const fd = openSync('/dev/full', 'w')
    try {
      const out = new FileOutput(fd)
      let thrown: unknown
      try {
        out.write('a line\n')
      } catch (e) {
        thrown = e
      }
      expect(thrown).toBeInstanceOf(UkeyError)
      expect((thrown as UkeyError).code).toBe('OUTPUT_UNWRITABLE')
      expect((thrown as UkeyError).params).toEqual({ detail: 'ENOSPC' })
    } finally {
      closeSync(fd)
    }
  })
})
