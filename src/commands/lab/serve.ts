import { Flags } from '@oclif/core'
import { join } from 'node:path'
import { UkeyCommand } from '../base-command.js'
import { UkeyError } from '../../errors.js'
import { defaultLabDir } from '../../lab/paths.js'
import { LAB_CMP_PORT, readLabState } from '../../lab/token-lab.js'
import { loadProfile } from '../../profile/load.js'

export default class LabServe extends UkeyCommand {
  static override summary = 'Run the lab CA as a CMP server on 127.0.0.1 (key update requests; not a bank)'
  static override description = `Answers CMP key update requests (RFC 4210 kur, over HTTP as RFC 6712) with the lab CA: the request must be signed by a certificate of the lab CA (else a refusal carrying 403.7), inside the lab profile's renewal window and not already renewed (else 0116); the new certificate keeps the old subject and carries the new key. Renewals are recorded in the lab folder (renewals.json) and survive a restart; a lab re-initialised while it runs (lab init --force) is followed. Only the path /pkix/ is served. One log line per request on standard error, refusals at the HTTP level included; stop with Ctrl-C.`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --port 18081 --waiting 2   # answer "waiting" twice before issuing',
    'openssl cmp -cmd kur -server 127.0.0.1:18080 -path pkix/ -cert old.crt -key old.key -trusted ca.crt -newkey new.key -certout new.crt',
  ]
  static override flags = {
    dir: Flags.string({ description: 'the lab folder (default: under the user data directory)' }),
    port: Flags.integer({ description: 'TCP port on 127.0.0.1 (0: any free port)', default: LAB_CMP_PORT, min: 0, max: 65535 }),
    waiting: Flags.integer({ description: 'answer each key update "waiting" this many times before issuing', default: 0, min: 0, max: 100 }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(LabServe)
    const dir = flags.dir ?? defaultLabDir()
    const state = readLabState(dir)
    if (!state) throw new UkeyError('LAB_MISSING', { params: { dir } })
    // The window policy: --profile when given, else the lab's own profile.
    const profile = loadProfile(flags.profile ?? state.profile)
    const { createLabCmpServer } = await import('../../lab/cmp-server.js')
    const { followLabCa } = await import('../../lab/ca-files.js')
    const server = createLabCmpServer({
      // Followed, not read once: `lab init --force` while this runs makes a new CA (issue 13 item 6).
      ca: followLabCa(dir, state.ca.cert, state.ca.key),
      policy: profile.window,
      stateFile: join(dir, 'renewals.json'),
      waitingCount: flags.waiting,
      log: ({ tid, kind, outcome }) => this.say(`[LAB] ${new Date().toISOString()} ${tid} ${kind} → ${outcome}`),
    })
    const http = await server.listen('127.0.0.1', flags.port)
    this.say(`[LAB] CMP server on http://127.0.0.1:${http.port}/pkix/ (not a bank)`)
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', resolve)
      process.once('SIGTERM', resolve)
    })
    await http.close()
    this.say(`[LAB] ${signal}: stopped`)
  }
}
