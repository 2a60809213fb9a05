// `ukey renew` and `ukey diagnose` behind a proxy, as a branch PC runs them:
// the built CLI, the lab token on SoftHSM2, the lab CA's CMP server on
// 127.0.0.1, and Debian's tinyproxy between them. The proxy's own log is the
// witness that the requests went through it (or, with NO_PROXY, did not).

import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ukey, type RunResult } from '../helpers/cli.js'
import { labWithServer, stopLabServers, type LabWithServer } from '../helpers/lab-server.js'
import { freePort } from '../helpers/openssl-cmp.js'
import { startTinyproxy, stopTinyproxies, type Tinyproxy } from '../helpers/tinyproxy.js'

const PIN = 'Px-40117-k'
const MODULE = '/usr/lib/softhsm/libsofthsm2.so'

let root: string
let n = 0
let proxy: Tinyproxy

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ukey-renew-proxy-'))
  proxy = await startTinyproxy()
})
afterAll(async () => {
  await stopTinyproxies()
  await stopLabServers()
})

const makeLab = (): Promise<LabWithServer> => labWithServer(join(root, `lab-${n++}`), { pin: PIN })

function renew(lab: LabWithServer, args: string[], env: Record<string, string>): Promise<RunResult> {
  return ukey(['renew', '--lab', '--lab-dir', lab.dir, '--server', lab.url, ...args], { env: { UKEY_PIN: PIN, ...env } })
}

/** The certificates' CKA_IDs on the token, as pkcs11-tool lists them. */
function certificateIds(lab: LabWithServer): string[] {
  const out = execFileSync('pkcs11-tool', ['--module', MODULE, '--login', '--pin', PIN, '-O', '--type', 'cert'], {
    env: { ...process.env, SOFTHSM2_CONF: lab.state.conf },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  return [...out.matchAll(/^\s+ID:\s+([0-9a-f]+)/gm)].map((m) => m[1]!)
}

/** Everything the run left for a person or a script to read: output and journals. */
function everythingSaid(lab: LabWithServer, r: RunResult): string {
  let journals = ''
  try {
    journals = readdirSync(join(lab.dir, 'journal')).map((f) => readFileSync(join(lab.dir, 'journal', f), 'utf8')).join('\n')
  } catch {
    // no journal folder: nothing journalled
  }
  return r.stdout + r.stderr + journals
}

describe('ukey renew through tinyproxy', () => {
  it('renews through the proxy named by HTTP_PROXY: the proxy logged both CMP messages', async () => {
    const lab = await makeLab()
    const before = proxy.requests().length
    const r = await renew(lab, ['--yes', '--json'], { HTTP_PROXY: proxy.url })
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ outcome: 'renewed' })
    expect(lab.log).toEqual(['kur → kup accepted', 'certConf → pkiConf (renewal recorded)'])
    expect(proxy.requests().slice(before)).toEqual([`POST ${lab.url} HTTP/1.1`, `POST ${lab.url} HTTP/1.1`])
    const ids = certificateIds(lab)
    expect(ids).toHaveLength(1)
    expect(ids[0]).not.toBe(lab.state.certificate.id)
  })

  it('a proxy that refuses (tinyproxy Allow): exit 31 "the proxy refused", in both languages; the key keeps its old certificate only', async () => {
    const lab = await makeLab()
    const denying = await startTinyproxy(['Allow 192.0.2.1'])
    const en = await renew(lab, ['--yes', '--lang', 'en'], { HTTP_PROXY: denying.url })
    expect(en.code).toBe(31)
    expect(en.stderr).toContain(`the proxy refused the request to the renewal server (${denying.url}: HTTP 403 Access denied)`)
    expect(en.stderr).toContain('HTTPS_PROXY, HTTP_PROXY and NO_PROXY')
    expect(en.stderr).not.toMatch(/\n\s+at /)
    expect(lab.log).toEqual([])
    expect(certificateIds(lab)).toEqual([lab.state.certificate.id])
    const zh = await renew(lab, ['--yes', '--json', '--lang', 'zh-CN'], { HTTP_PROXY: denying.url })
    expect(zh.code).toBe(31)
    expect(JSON.parse(zh.stdout).error).toMatchObject({ code: 'RENEWAL_PROXY_REFUSED', message: expect.stringContaining('代理服务器拒绝') })
    expect(denying.log()).toMatch(/Unauthorized connection from "127\.0\.0\.1"|denied/i)
  })

  it('a closed proxy port: exit 31 "the proxy cannot be reached" with its address, never the user and password in its URL', async () => {
    const lab = await makeLab()
    const port = await freePort()
    const r = await renew(lab, ['--yes', '--lang', 'en'], { HTTP_PROXY: `http://teller:Pr0xy-s3cret@127.0.0.1:${port}` })
    expect(r.code).toBe(31)
    expect(r.stderr).toContain(`the proxy cannot be reached (http://127.0.0.1:${port}: ECONNREFUSED)`)
    expect(everythingSaid(lab, r)).not.toMatch(/teller|Pr0xy-s3cret/)
    expect(certificateIds(lab)).toEqual([lab.state.certificate.id])
  })

  it('NO_PROXY=127.0.0.1 goes direct: the dry run passes with HTTP_PROXY on a closed port, and the proxy saw nothing', async () => {
    const lab = await makeLab()
    const closed = `http://127.0.0.1:${await freePort()}`
    const before = proxy.requests().length
    const direct = await renew(lab, ['--dry-run', '--json'], { HTTP_PROXY: closed, NO_PROXY: '127.0.0.1' })
    expect(direct.code, direct.stdout).toBe(0)
    const blocked = await renew(lab, ['--dry-run', '--json'], { HTTP_PROXY: closed })
    expect(blocked.code).toBe(31)
    const server = JSON.parse(blocked.stdout).checks.find((c: { name: string }) => c.name === 'server')
    expect(server).toMatchObject({ ok: false, detail: `the proxy cannot be reached (${closed}: ECONNREFUSED)` })
    expect(proxy.requests().length).toBe(before)
  })

  it('the profile\'s renewal.proxy carries the dry run\'s probe with no variable set', async () => {
    const lab = await makeLab()
    const file = join(lab.dir, 'profile.json')
    const profile = JSON.parse(readFileSync(file, 'utf8'))
    writeFileSync(file, JSON.stringify({ ...profile, renewal: { ...profile.renewal, proxy: proxy.url } }))
    const before = proxy.requests().length
    const r = await renew(lab, ['--dry-run', '--json'], {})
    expect(r.code, r.stdout).toBe(0)
    expect(proxy.requests().slice(before)).toEqual([`POST ${lab.url} HTTP/1.1`])
    // A proxy the schema does not take is the profile's error, named by field.
    writeFileSync(file, JSON.stringify({ ...profile, renewal: { ...profile.renewal, proxy: 'socks5://127.0.0.1:1080' } }))
    const bad = await renew(lab, ['--dry-run', '--lang', 'en'], {})
    expect(bad.code).toBe(3)
    expect(bad.stderr).toContain('renewal.proxy')
  })
})

describe('ukey diagnose health check behind a proxy', () => {
  async function health(lab: LabWithServer, env: Record<string, string>): Promise<{ code: number; check: { outcome: string; data: Record<string, unknown> }; next: string }> {
    // The lab profile's renewal URL pointed at this test's server.
    const file = join(lab.dir, 'profile.json')
    const profile = JSON.parse(readFileSync(file, 'utf8'))
    writeFileSync(file, JSON.stringify({ ...profile, renewal: { ...profile.renewal, url: lab.url } }))
    const r = await ukey(['diagnose', '--lab', '--lab-dir', lab.dir, '--allow-keygen', '--json', '--no-input', '--lang', 'en'], { env: { UKEY_PIN: PIN, ...env } })
    const doc = JSON.parse(r.stdout) as { next: string; steps: Array<{ checks: Array<{ id: string; outcome: string; data: Record<string, unknown> }> }> }
    const check = doc.steps.flatMap((s) => s.checks).find((c) => c.id === 'renewal-server')!
    return { code: r.code, check, next: doc.next }
  }

  it('asks through the proxy: the renewal\'s own probe passes through tinyproxy (which logged it), fails with the proxy\'s refusal as the finding', async () => {
    const lab = await makeLab()
    const before = proxy.requests().length
    const ok = await health(lab, { HTTP_PROXY: proxy.url })
    expect(ok.check).toEqual({ id: 'renewal-server', outcome: 'pass', data: { url: lab.url, reachable: true, trusted: true, proxy: proxy.url } })
    expect(proxy.requests().slice(before)).toEqual([`POST ${lab.url} HTTP/1.1`])
    expect(lab.log.filter((l) => l.startsWith('kur'))).toEqual([]) // nothing renewed

    const denying = await startTinyproxy(['Allow 192.0.2.1'])
    const refused = await health(lab, { HTTP_PROXY: denying.url })
    expect(refused.check).toMatchObject({ outcome: 'fail', data: { proxy: denying.url, reachable: false } })
    expect(refused.code).toBe(20)
    expect(refused.next).toContain('The proxy between this computer and the bank')
  })
})
