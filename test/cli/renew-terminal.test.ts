// `ukey renew` at a real terminal, as a technician runs it: the plan, one
// question before the key is changed, the masked PIN prompt, progress; in
// Chinese and English. Driven through a pseudo-terminal (test/helpers/pty-run.py).

import { execFile } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isolatedEnv, ROOT, ukey } from '../helpers/cli.js'
import { labWithServer, stopLabServers, type LabWithServer } from '../helpers/lab-server.js'

const PIN = 'Tq-90417-z'
let root: string
let n = 0

function lab(name: string): Promise<LabWithServer> {
  return labWithServer(join(root, `${name}-${n++}`), { pin: PIN })
}

/** Asynchronous: the lab server in this process must keep answering while the terminal runs. */
function pty(pairs: string[], args: string[], lang: string): Promise<{ status: number; screen: string }> {
  const env = isolatedEnv({ CI: undefined, TERM: 'xterm', LANG: lang, UKEY_PROGRESS_AFTER_MS: '0' })
  return new Promise((resolve) => {
    execFile('python3', [join(ROOT, 'test/helpers/pty-run.py'), '40', ...pairs, '--', process.execPath, join(ROOT, 'bin/run.js'), ...args], { env, encoding: 'utf8' }, (err, stdout) => {
      resolve({ status: err ? (typeof err.code === 'number' ? err.code : -1) : 0, screen: stdout })
    })
  })
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ukey-renew-tty-'))
})
afterAll(stopLabServers)

describe('ukey renew in a terminal', () => {
  it('English: the plan and the question; "n" cancels before anything is asked of the key or the bank', async () => {
    const l = await lab('en-no')
    const r = await pty(['Renew now?', 'n'], ['renew', '--lab', '--lab-dir', l.dir, '--server', l.url], 'en_US.UTF-8')
    expect(r.status).toBe(0)
    expect(r.screen).toContain('Renew the certificate on USB key')
    expect(r.screen).toContain('RSA 2048')
    expect(r.screen).toContain('Cancelled: nothing was changed.')
    expect(r.screen).not.toContain('PIN for USB key')
    expect(l.log).toEqual([])
    const status = await ukey(['renew', '--status', '--lab', '--lab-dir', l.dir])
    expect(status.code).toBe(0)
  })

  it('Ctrl-C at the question or at the PIN prompt: cancelled (exit 130), nothing changed, no journal left open', async () => {
    const l = await lab('ctrl-c')
    const atQuestion = await pty(['Renew now?', '\x03'], ['renew', '--lab', '--lab-dir', l.dir, '--server', l.url], 'en_US.UTF-8')
    expect(atQuestion.status).toBe(130)
    expect(atQuestion.screen).toContain('cancelled: nothing was changed')
    expect(atQuestion.screen).not.toContain('unexpected failure')
    const atPin = await pty(['Renew now?', 'y', 'PIN for USB key', '\x03'], ['renew', '--lab', '--lab-dir', l.dir, '--server', l.url], 'en_US.UTF-8')
    expect(atPin.status).toBe(130)
    expect(l.log).toEqual([])
    const status = await ukey(['renew', '--status', '--lab', '--lab-dir', l.dir])
    expect(status.code).toBe(0)
  })

  it('the bank says "waiting": a countdown on the spinner line, then renewed (en)', async () => {
    const l = await labWithServer(join(root, `wait-${n++}`), { pin: PIN, waiting: 2 })
    const r = await pty(['Renew now?', 'y', 'PIN for USB key', PIN], ['renew', '--lab', '--lab-dir', l.dir, '--server', l.url], 'en_US.UTF-8')
    expect(r.status, r.screen).toBe(0)
    expect(r.screen).toMatch(/the bank is processing the request: asking again in \d+ s \(poll 2\)/)
    expect(r.screen).toContain('Renewed.')
  })

  it('Ctrl-C while the bank says "waiting" (the spinner running): interrupted, exit 31, the journal kept — never ignored, never 130 once the key changed', async () => {
    const l = await labWithServer(join(root, `wait-ctrl-c-${n++}`), { pin: PIN, waiting: 50 })
    const r = await pty(['Renew now?', 'y', 'PIN for USB key', PIN, '(poll 2)', '\x03'], ['renew', '--lab', '--lab-dir', l.dir, '--server', l.url], 'en_US.UTF-8')
    expect(r.status, r.screen).toBe(31)
    expect(r.screen).toContain('interrupted (SIGINT) at step "request-sent"; the old certificate still works. `ukey renew` continues it')
    expect(r.screen).not.toContain('(poll 4)')
    const status = await ukey(['renew', '--status', '--lab', '--lab-dir', l.dir])
    expect(status.code).toBe(31)
  })

  it('Chinese: "y", then the masked PIN prompt; renewed, the PIN never on screen', async () => {
    const l = await lab('zh-yes')
    const r = await pty(['现在换证吗', 'y', 'PIN 码', PIN], ['renew', '--lab', '--lab-dir', l.dir, '--server', l.url], 'zh_CN.UTF-8')
    expect(r.status, r.screen).toBe(0)
    expect(r.screen).toContain('为网银盾')
    expect(r.screen).toContain('在网银盾内生成新密钥对')
    expect(r.screen).toContain('换证完成')
    expect(r.screen).not.toContain(PIN)
    expect(l.log).toEqual(['kur → kup accepted', 'certConf → pkiConf (renewal recorded)'])
  })
})
