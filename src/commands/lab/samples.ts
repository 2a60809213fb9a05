import { Flags } from '@oclif/core'
import { join } from 'node:path'
import { defaultSamplesDir } from '../../platform/paths.js'
import { UkeyCommand } from '../base-command.js'
import { outputFlags } from '../output-flags.js'
import { wantsJson } from '../../app/output-format.js'

export default class LabSamples extends UkeyCommand {
  static override flags = {
    dir: Flags.string(),
    ...outputFlags,
  }

  async run(): Promise<void> {
    const parsed = await this.parse(LabSamples)
    const flags = { ...parsed.flags, json: wantsJson(parsed.flags) }
    const profile = this.profile(flags.profile)
    const dir = flags.dir ?? defaultSamplesDir()
    const { writeSamples } = await import('../../lab/samples.js')
    const specs = await writeSamples(dir, new Date(), profile.window)
    const files = specs.map((s) => ({ file: join(dir, s.file), state: s.state, subject: s.cn, notBefore: s.notBefore.toISOString(), notAfter: s.notAfter.toISOString() }))
    if (flags.json) process.stdout.write(JSON.stringify({ schemaVersion: 1, kind: 'ukey.lab-samples', lab: true, dir, ca: join(dir, 'lab-ca.crt'), files }, null, 2) + '\n')
    else {
      process.stdout.write(`LAB · ${dir}\n`)
      for (const f of files) process.stdout.write(`  ${f.state.padEnd(14)} ${f.file}\n`)
    }
  }
}
