import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv } from 'ajv'
import { ROOT } from './cli.js'

// As test/helpers/schemas.ts does for the other commands: the published schema, strict.
const ajv = new Ajv({ allErrors: true, strict: true })
ajv.addSchema(JSON.parse(readFileSync(join(ROOT, 'docs/schema/diagnose.schema.json'), 'utf8')) as object)

/** ajv's complaints about a `diagnose --json` document ([] when valid); `codes` for `--list --json`. */
export function diagnoseSchemaErrors(data: unknown, which: 'walk' | 'codes' = 'walk'): string[] {
  const v = ajv.getSchema(`https://ukey.invalid/schema/diagnose.json${which === 'codes' ? '#/definitions/codes' : ''}`)
  if (!v) throw new Error('no diagnose schema')
  return v(data) ? [] : (v.errors ?? []).map((e: { instancePath: string; message?: string }) => `${e.instancePath} ${e.message}`)
}
