import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'vitest'
import type { CmpHttpServer } from '../../src/lab/cmp-http.js'
import { createLabCmpServer } from '../../src/lab/cmp-server.js'
import { readLabState, type LabState } from '../../src/lab/token-lab.js'
import { ukey } from './cli.js'

export interface LabWithServer {
  dir: string
  state: LabState
  server: CmpHttpServer
  /** The CMP endpoint, for `renew --server`. */
  url: string
  /** One entry per message the server handled: `<kind> → <outcome>`. */
  log: string[]
}

const running: CmpHttpServer[] = []

/**
 * A lab made by the real CLI (`ukey lab init`, PIN through stdin) and its CA
 * serving CMP in this process on a free port of 127.0.0.1, recording renewals
 * in the lab's renewals.json as `ukey lab serve` does.
 */
export async function labWithServer(dir: string, opts: { pin: string; expiresIn?: number; waiting?: number }): Promise<LabWithServer> {
  const r = await ukey(['lab', 'init', '--dir', dir, '--expires-in', String(opts.expiresIn ?? 20), '--pin-stdin'], { stdin: opts.pin + '\n' })
  expect(r.code, r.stderr).toBe(0)
  const state = readLabState(dir)!
  const log: string[] = []
  const server = await createLabCmpServer({
    ca: { certPem: readFileSync(state.ca.cert, 'utf8'), keyPem: readFileSync(state.ca.key, 'utf8') },
    policy: { renewBeforeDays: 30, graceAfterDays: 90 },
    stateFile: join(dir, 'renewals.json'),
    log: (e) => log.push(`${e.kind} → ${e.outcome}`),
    ...(opts.waiting ? { waitingCount: opts.waiting } : {}),
  }).listen('127.0.0.1', 0)
  running.push(server)
  return { dir, state, server, url: `http://127.0.0.1:${server.port}/pkix/`, log }
}

/** For afterAll: stops every server this file started. */
export async function stopLabServers(): Promise<void> {
  await Promise.all(running.splice(0).map((s) => s.close()))
}
