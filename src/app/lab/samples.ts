import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { certIdentity } from '../../cert/identity.js'
import { pemBlocks } from '../../cert/pem.js'
import { readCertSummary } from '../../cert/summary.js'
import { assessWindow } from '../../cert/window.js'
import { certificateObject } from '../../output/certificate-json.js'
import { SCHEMA_VERSION } from '../../output/schema-version.js'
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
  const files = specs.map((s) => ({ file: join(dir, s.file), state: s.state }))
  if (options.json) {
    const now = io.now()
    // `state` is what the file was made to be; `certificate` is ukey's reading of it, as check-window names it.
    const certificates = files.map((f) => {
      const summary = readCertSummary(pemBlocks(readFileSync(f.file))[0]!.der)
      return { file: f.file, state: f.state, certificate: certificateObject(certIdentity(summary), assessWindow(summary, now, profile.window)) }
    })
    io.stdout.write(JSON.stringify({ schemaVersion: SCHEMA_VERSION, kind: 'ukey.lab-samples', lab: true, exitCode: EXIT.OK, dir, ca: join(dir, 'lab-ca.crt'), files: certificates }, null, 2) + '\n')
  }
  else {
    io.stdout.write(`LAB · ${dir}\n`)
    for (const f of files) io.stdout.write(`  ${f.state.padEnd(14)} ${f.file}\n`)
  }
  return EXIT.OK
}
