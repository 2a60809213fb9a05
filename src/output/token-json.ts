import type { TokenInfo } from '../hardware/pkcs11/types.js'

/**
 * The one token object of ukey's JSON (docs/json.md, common.schema.json
 * #/definitions/token): detect, renew, renew --status and lab status. A fact
 * the writer does not have (a journal keeps serial, label and module only) is null.
 */
export interface TokenJson {
  serial: string
  label: string
  manufacturer: string | null
  model: string | null
  /** The PKCS#11 slot id, decimal (ids can exceed 2^53 on some modules). */
  slot: string | null
  /** The PKCS#11 module's path. */
  module: string | null
}

export function tokenObject(t: TokenInfo): TokenJson {
  return { serial: t.serial, label: t.label, manufacturer: t.manufacturer, model: t.model, slot: t.slotId, module: t.module.path }
}

/** What a file recorded of a token (a renewal journal, lab.json): serial, label and module. */
export function recordedTokenObject(t: { serial: string; label: string; module: string }): TokenJson {
  return { serial: t.serial, label: t.label, manufacturer: null, model: null, slot: null, module: t.module }
}
