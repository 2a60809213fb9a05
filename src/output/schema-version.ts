/**
 * The version of every JSON document ukey writes (docs/json.md). Scripts pin it:
 * a rename or a changed meaning bumps it; a new field does not.
 * 2: one certificate and one token object across commands (issue 15).
 */
export const SCHEMA_VERSION = 2
