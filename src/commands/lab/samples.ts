import { Flags } from '@oclif/core'
import { join } from 'node:path'
import { defaultSamplesDir } from '../../platform/paths.js'
import { UkeyCommand } from '../base-command.js'

export default class LabSamples extends UkeyCommand {
  static override summary = 'Write sample certificates, one per renewal-window state, for demos and training (the lab, not a bank)'
  static override description = `Makes a lab CA and five certificates dated relative to now — valid (too early), renewable, grace, lapsed, not-yet-valid — with Chinese subjects, plus all.pem holding them all. Every subject says "(lab)" and the CA says "not a bank".
Default directory: the lab directory under the user's state directory (XDG_STATE_HOME on Linux).`
  static override examples = ['<%= config.bin %> lab samples', '<%= config.bin %> lab samples --dir ./samples && <%= config.bin %> check-window ./samples']
  static override flags = {
    dir: Flags.string({ description: 'where to write the samples' }),
    json: Flags.boolean({ description: 'list what was written as JSON' }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(LabSamples)
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
