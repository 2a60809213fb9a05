import { schemaErrors } from './schemas.js'

/** ajv's complaints about a `diagnose --json` document ([] when valid); `codes` for `--list --json`. */
export function diagnoseSchemaErrors(data: unknown, which: 'walk' | 'codes' = 'walk'): string[] {
  return schemaErrors('diagnose', data, which === 'codes' ? '#/definitions/codes' : '')
}
