import { join } from 'node:path'
import { EXIT } from '../../output/exit-codes.js'
import { defaultSamplesDir } from '../../platform/paths.js'
import { profileOf } from '../context.js'
import type { Io } from '../io.js'

export interface LabSamplesOptions {
  dir?: string
  json: boolean
  profile?: string
}

/** `ukey lab samples`: certificate files in each window state, from a lab CA of their own. Returns the exit code. */
export async function run(options: LabSamplesOptions, io: Io): Promise<number> {
  const profile = profileOf(io, options.profile)
  const dir = options.dir ?? defaultSamplesDir()
  const { writeSamples } = await import('../../lab/samples.js')
  const specs = await writeSamples(dir, io.now(), profile.window)
  const files = specs.map((s) => ({ file: join(dir, s.file), state: s.state, subject: s.cn, notBefore: s.notBefore.toISOString(), notAfter: s.notAfter.toISOString() }))
  if (options.json) io.stdout.write(JSON.stringify({ schemaVersion: 1, kind: 'ukey.lab-samples', lab: true, dir, ca: join(dir, 'lab-ca.crt'), files }, null, 2) + '\n')
  else {
    io.stdout.write(`LAB · ${dir}\n`)
    for (const f of files) io.stdout.write(`  ${f.state.padEnd(14)} ${f.file}\n`)
  }
  return EXIT.OK
}
