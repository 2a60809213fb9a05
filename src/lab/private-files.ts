// The lab's files are for its user only, whatever the umask: the profile and
// softhsm2.conf decide which server a renewal talks to and which module is
// loaded, so another local user who could edit them could point ukey at their
// own server or code (issue 11). Folders 0700, files 0600 — set explicitly,
// since a mode given at creation is masked by the umask and an existing file
// keeps its old one.

import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const PRIVATE_DIR = 0o700
export const PRIVATE_FILE = 0o600

/** Creates `dir` (and missing parents) for the user only; an existing `dir` is made private too when `own` (the lab's own folder). */
export function makePrivateDir(dir: string, own = true): void {
  const created = mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR })
  if (own || created !== undefined) chmodSync(dir, PRIVATE_DIR)
}

export function writePrivateFile(file: string, data: string | Uint8Array): void {
  writeFileSync(file, data, { mode: PRIVATE_FILE })
  chmodSync(file, PRIVATE_FILE)
}

/** Makes a whole tree private: what another program (SoftHSM2) wrote with its own modes. */
export function makeTreePrivate(dir: string): void {
  chmodSync(dir, PRIVATE_DIR)
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) makeTreePrivate(p)
    else if (e.isFile()) chmodSync(p, PRIVATE_FILE)
  }
}
