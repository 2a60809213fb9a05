import { Flags } from '@oclif/core'
import { join } from 'node:path'
import { UkeyCommand } from '../base-command.js'
import { UkeyError } from '../../errors.js'
import { defaultLabDir } from '../../lab/paths.js'
import { LAB_CMP_PORT, readLabState } from '../../lab/token-lab.js'
import { loadProfile } from '../../profile/load.js'

export default class LabServe extends UkeyCommand {
  static override flags = {
    dir: Flags.string(),
    port: Flags.integer({ default: LAB_CMP_PORT, min: 0, max: 65535 }),
    waiting: Flags.integer({ default: 0, min: 0, max: 100 }),
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
