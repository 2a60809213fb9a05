import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv } from 'ajv'
import { ROOT } from './cli.js'

const ajv = new Ajv({ allErrors: true, strict: true })
const load = (name: string): object => JSON.parse(readFileSync(join(ROOT, 'docs/schema', name), 'utf8')) as object
// Every published schema: a command's schema is tested as soon as it is in docs/schema.
for (const f of readdirSync(join(ROOT, 'docs/schema')).filter((n) => n.endsWith('.schema.json')).sort()) ajv.addSchema(load(f))

/** Validates against the published schema; returns ajv's complaints ([] when valid). */
export function schemaErrors(id: string, data: unknown, pointer = ''): string[] {
  const v = ajv.getSchema(`https://ukey.invalid/schema/${id}.json${pointer}`)
  if (!v) throw new Error(`no schema ${id}${pointer}`)
  return v(data) ? [] : (v.errors ?? []).map((e: { instancePath: string; message?: string }) => `${e.instancePath} ${e.message}`)
}
