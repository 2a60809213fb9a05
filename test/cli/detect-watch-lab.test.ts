import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, isolatedEnv, ukey } from '../helpers/cli.js'
import { schemaErrors } from '../helpers/schemas.js'

const PIN = 'Dq-60722-k'

/** `detect --watch --json` as a child: lines as they come, and a wait for the first line that matches. */
function watcher(args: string[]) {
  const child = spawn(process.execPath, [join(ROOT, 'bin/run.js'), 'detect', '--watch', '--json', '--no-usb', ...args], { env: isolatedEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
  const events: Array<Record<string, unknown>> = []
  let buf = ''
  const waiters: Array<() => void> = []
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString()
    let nl: number
    while ((nl = buf.indexOf('\n')) >= 0) {
      events.push(JSON.parse(buf.slice(0, nl)))
      buf = buf.slice(nl + 1)
      waiters.splice(0).forEach((w) => w())
    }
  })
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
  // No timer: the test's own timeout bounds the wait; each new line re-checks.
  const until = async (ok: (e: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> => {
    for (;;) {
      const hit = events.find(ok)
      if (hit) return hit
      await new Promise<void>((resolve) => waiters.push(resolve))
    }
  }
  return { child, events, until, exited }
}

describe('detect --watch --lab: the lab token appearing and going (PKCS#11 polling)', () => {
  it('reports the token present, gone when deleted, back when the lab is made again; Ctrl-C stops it', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'ukey-watch-lab-')), 'lab')
    expect((await ukey(['lab', 'init', '--dir', dir, '--key', 'ec-p256', '--pin-stdin'], { stdin: `${PIN}\n` })).code).toBe(0)
    const w = watcher(['--lab', '--lab-dir', dir, '--interval', '100'])
    const first = await w.until((e) => e['type'] === 'token-insert')
    const serial = (first['token'] as { serial: string }).serial
    // The token goes: deleted by SoftHSM2's own tool, as a key pulled out would vanish from its module.
    execFileSync('softhsm2-util', ['--delete-token', '--serial', serial], { env: { ...process.env, SOFTHSM2_CONF: join(dir, 'softhsm2.conf') } })
    await w.until((e) => e['type'] === 'token-remove' && (e['token'] as { serial: string }).serial === serial)
    // And a token comes: the lab made again.
    expect((await ukey(['lab', 'init', '--dir', dir, '--key', 'ec-p256', '--force', '--pin-stdin'], { stdin: `${PIN}\n` })).code).toBe(0)
    await w.until((e) => e['type'] === 'token-insert' && e !== first)
    w.child.kill('SIGINT')
    expect(await w.exited).toBe(0)
    expect(w.events.at(-1)).toMatchObject({ type: 'stopped', exitCode: 0 })
    // A watch has no last line to wait for: every line carries the head a script pins (docs/json.md, "NDJSON"),
    // and each validates against the published line schema.
    // (lab init --force passes through states a 100 ms poll may see: the middle is not counted.)
    const types = w.events.map((e) => e['type'])
    expect([types[0], types.at(-1)]).toEqual(['watching', 'stopped'])
    expect(new Set(types)).toEqual(new Set(['watching', 'token-insert', 'token-remove', 'stopped']))
    for (const e of w.events) {
      expect(e, String(e['type'])).toMatchObject({ schemaVersion: 2, kind: 'ukey.detect-watch', lab: true })
      expect(schemaErrors('detect-watch', e), String(e['type'])).toEqual([])
    }
  }, 60_000)
})
