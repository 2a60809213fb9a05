import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { UkeyError } from '../errors.js'
import { useKeyName } from '../i18n/index.js'
import { defaultLabDir } from '../platform/paths.js'
import { loadProfile } from '../profile/load.js'
import type { BankProfile } from '../profile/types.js'

/** Which lab a command was pointed at: `--lab` and `--lab-dir`. */
export interface LabChoice {
  use: boolean
  dir?: string
}

/** `--profile`, else `--lab` (the lab's own profile), else UKEY_PROFILE, the user's file or the built-in one. */
export function chooseProfile(file: string | undefined, lab: LabChoice | undefined, env: Readonly<Record<string, string | undefined>>): BankProfile {
  const profile = loadChosen(file, lab, env)
  // Every message from here on names the key as this bank's customers do (docs/glossary.md).
  useKeyName(profile.keyName)
  return profile
}

function loadChosen(file: string | undefined, lab: LabChoice | undefined, env: Readonly<Record<string, string | undefined>>): BankProfile {
  if (!file && lab?.use) {
    const dir = lab.dir ?? defaultLabDir()
    if (!existsSync(join(dir, 'profile.json'))) throw new UkeyError('LAB_MISSING', { params: { dir } })
    return loadProfile(join(dir, 'profile.json'))
  }
  return loadProfile(file ?? env['UKEY_PROFILE'])
}
