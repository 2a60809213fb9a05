import { join } from 'node:path'
import { UkeyError } from '../../errors.js'
import { defaultLabDir } from '../../lab/paths.js'
import { LAB_CMP_PORT, readLabState } from '../../lab/token-lab.js'
import { EXIT } from '../../output/exit-codes.js'
import { loadProfile } from '../../profile/load.js'
import { say, type Io } from '../io.js'

/** The port `lab serve` listens on by default, and the lab's profile points at (for the command's flag default). */
export { LAB_CMP_PORT }

export interface LabServeOptions {
  dir?: string
  port: number
  /** How many `waiting` answers (polling) before each certificate. */
  waiting: number
  profile?: string
  /** Stops the server; its reason (the signal's name, e.g. 'SIGINT') is said in the last line. */
  signal: AbortSignal
  /** Told the port once the server listens (port 0 picks a free one). */
  listening?: (port: number) => void
}

/** `ukey lab serve`: the lab CA answering CMP on 127.0.0.1 until `signal` is aborted. Returns the exit code. */
export async function run(options: LabServeOptions, io: Io): Promise<number> {
  const dir = options.dir ?? defaultLabDir()
  const state = readLabState(dir)
  if (!state) throw new UkeyError('LAB_MISSING', { params: { dir } })
  // The window policy: --profile when given, else the lab's own profile.
  const profile = loadProfile(options.profile ?? state.profile)
  const { createLabCmpServer } = await import('../../lab/cmp-server.js')
  const { followLabCa } = await import('../../lab/ca-files.js')
  const server = createLabCmpServer({
    // Followed, not read once: `lab init --force` while this runs makes a new CA (issue 13 item 6).
    ca: followLabCa(dir, state.ca.cert, state.ca.key),
    policy: profile.window,
    stateFile: join(dir, 'renewals.json'),
    waitingCount: options.waiting,
    log: ({ tid, kind, outcome }) => say(io, `[LAB] ${io.now().toISOString()} ${tid} ${kind} → ${outcome}`),
  })
  const http = await server.listen('127.0.0.1', options.port)
  say(io, `[LAB] CMP server on http://127.0.0.1:${http.port}/pkix/ (not a bank)`)
  options.listening?.(http.port)
  const reason = await stopped(options.signal)
  await http.close()
  say(io, `[LAB] ${reason}: stopped`)
  return EXIT.OK
}

/** Resolves with the abort's reason once `signal` is aborted (at once when it already is). */
function stopped(signal: AbortSignal): Promise<string> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(String(signal.reason))
    else signal.addEventListener('abort', () => resolve(String(signal.reason)), { once: true })
  })
}
