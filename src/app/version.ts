import { discoverModules } from '../hardware/pkcs11/discovery.js'
import { EXIT } from '../output/exit-codes.js'
import { SCHEMA_VERSION } from '../output/schema-version.js'
import { profileOf, type ProfileOptions } from './context.js'
import type { Io } from './io.js'

export interface VersionOptions extends ProfileOptions {
  json: boolean
  module?: string
  /** ukey's own version (the command layer reads it from package.json through oclif). */
  version: string
}

/**
 * `ukey version` / `ukey --version`: what a support ticket needs first — ukey,
 * Node, the platform, and the PKCS#11 modules ukey would try. Modules are
 * found, never loaded (loading a vendor's module can hang or crash: FAQ 2).
 */
export async function run(options: VersionOptions, io: Io): Promise<number> {
  const profile = profileOf(io, options.profile, { use: options.lab, dir: options['lab-dir'] })
  const modules = discoverModules({ ...(options.module ? { explicit: options.module } : {}), env: io.env, profile })
  const facts = { version: options.version, node: process.version, platform: process.platform, arch: process.arch }
  if (options.json) {
    const doc = {
      schemaVersion: SCHEMA_VERSION,
      kind: 'ukey.version',
      lab: profile.lab,
      exitCode: EXIT.OK,
      ...facts,
      modules: modules.map((m) => ({ path: m.path, origin: m.origin, vendorCode: m.vendorCode, problem: m.problem?.code ?? null })),
    }
    io.stdout.write(JSON.stringify(doc, null, 2) + '\n')
    return EXIT.OK
  }
  // The first line is oclif's --version line, which scripts may already parse.
  const t = io.ui.t
  const lines = [`ukey/${facts.version} ${facts.platform}-${facts.arch} node-${facts.node}`]
  lines.push(modules.length ? t('version.modules') : t('version.noModules'))
  for (const m of modules) lines.push(`  ${m.path}  (${m.origin}${m.problem ? `: ${t(m.problem.key, m.problem.params)}` : ''})`)
  io.stdout.write(lines.join('\n') + '\n')
  return EXIT.OK
}
