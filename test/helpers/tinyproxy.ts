import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './openssl-cmp.js'

export interface Tinyproxy {
  /** http://127.0.0.1:PORT */
  url: string
  port: number
  /** The request lines tinyproxy logged ("GET http://… HTTP/1.1", "CONNECT host:port HTTP/1.1"), in order. */
  requests(): string[]
  /** Everything it logged (refusals are NOTICE/INFO lines). */
  log(): string
  stop(): Promise<void>
}

const running = new Set<Tinyproxy>()

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1')
    s.once('connect', () => {
      s.destroy()
      resolve(true)
    })
    s.once('error', () => resolve(false))
  })
}

/**
 * Debian's tinyproxy on a free port of 127.0.0.1, with its own configuration
 * and log file (no root needed: as root without a User line it stays root,
 * as another user it runs as that user). `-d` keeps it in the foreground, so
 * the child's pid is the proxy's and `stop` ends exactly it. `extra` adds
 * configuration lines: `Allow 192.0.2.1` (this client denied), `ConnectPort 443`,
 * `Filter "file"` with `FilterURLs On`.
 */
export async function startTinyproxy(extra: string[] = []): Promise<Tinyproxy> {
  const dir = mkdtempSync(join(tmpdir(), 'ukey-tinyproxy-'))
  const port = await freePort()
  const logFile = join(dir, 'tinyproxy.log')
  const allows = extra.some((l) => /^Allow\b/.test(l)) ? [] : ['Allow 127.0.0.1']
  writeFileSync(join(dir, 'tinyproxy.conf'), [
    `Port ${port}`,
    'Listen 127.0.0.1',
    'Timeout 30',
    `LogFile "${logFile}"`,
    'LogLevel Info',
    'MaxClients 20',
    ...allows,
    ...extra,
  ].join('\n') + '\n')
  const child: ChildProcess = spawn('tinyproxy', ['-d', '-c', join(dir, 'tinyproxy.conf')], { stdio: 'ignore' })
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  // Bounded: tinyproxy listens within milliseconds; 100 tries is 5 s.
  for (let i = 0; i < 100 && !(await listening(port)); i++) {
    if (child.exitCode !== null) break
    await new Promise((r) => setTimeout(r, 50))
  }
  if (!(await listening(port))) {
    child.kill()
    throw new Error(`tinyproxy did not start on ${port}: ${(() => { try { return readFileSync(logFile, 'utf8') } catch { return '(no log)' } })()}`)
  }
  const log = (): string => {
    try {
      return readFileSync(logFile, 'utf8')
    } catch {
      return ''
    }
  }
  const proxy: Tinyproxy = {
    url: `http://127.0.0.1:${port}`,
    port,
    log,
    requests: () => [...log().matchAll(/Request \(file descriptor \d+\): (.*)$/gm)].map((m) => m[1]!.trim()),
    stop: async () => {
      running.delete(proxy)
      if (child.exitCode === null) child.kill()
      await exited
    },
  }
  running.add(proxy)
  return proxy
}

/** For afterAll: stops every proxy this file started. */
export async function stopTinyproxies(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()))
}
