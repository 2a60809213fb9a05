import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { loadCryptoki } from '../hardware/pkcs11/loaded-module.js'
import { join } from 'node:path'
import { makePrivateDir, writePrivateFile } from './private-files.js'

/** Debian's and Homebrew's SoftHSM2 module paths: the lab's token. */
export const SOFTHSM_MODULES = ['/usr/lib/softhsm/libsofthsm2.so', '/usr/lib64/softhsm/libsofthsm2.so', '/usr/local/lib/softhsm/libsofthsm2.so', '/opt/homebrew/lib/softhsm/libsofthsm2.so']

export function findSoftHsm(): string | undefined {
  return SOFTHSM_MODULES.find((p) => existsSync(p))
}

/** A token store of the lab's own, so the lab never touches the system's tokens. */
export function writeSoftHsmConf(dir: string): { conf: string; tokens: string } {
  const tokens = join(dir, 'tokens')
  makePrivateDir(tokens)
  const conf = join(dir, 'softhsm2.conf')
  writePrivateFile(conf, `# ukey lab token store\ndirectories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = true\n`)
  return { conf, tokens }
}

/**
 * Initialises a SoftHSM2 token through PKCS#11 itself (C_InitToken, C_InitPIN):
 * softhsm2-util would need the PINs on its command line. Then gives the token the
 * serial a real key would have: SoftHSM2 derives it from the token's UUID and has
 * no way to set it, so the 16 bytes in token.object are replaced while the
 * module is finalized (shared/notes/softhsm2.md); SoftHSM2 reads them back.
 */
export async function initLabToken(opts: {
  module: string
  conf: string
  tokens: string
  label: string
  soPin: string
  pin: string
  serial: string
  /** SoftHSM2 reads SOFTHSM2_CONF from the process environment at C_Initialize; only the entry writes it (Io.applyEnvironment). */
  applyEnvironment: (vars: Readonly<Record<string, string>>) => void
}): Promise<void> {
  opts.applyEnvironment({ SOFTHSM2_CONF: opts.conf })
  const Cryptoki = await loadCryptoki()
  const ck = Cryptoki.load(opts.module)
  ck.initialize()
  const TOKEN_INITIALIZED = 0x400
  const soPin = Buffer.from(opts.soPin, 'utf8')
  const pin = Buffer.from(opts.pin, 'utf8')
  let generated: string
  try {
    const free = ck.getSlotList(true).find((s) => !(ck.getTokenInfo(s).flags & TOKEN_INITIALIZED))
    if (free === undefined) throw new Error('SoftHSM2 offers no free slot')
    ck.initToken(free, soPin, opts.label)
    // SoftHSM2 moves an initialised token to a new slot id: find it by label.
    const token = ck.getSlotList(true).find((s) => ck.getTokenInfo(s).label === opts.label)
    if (token === undefined) throw new Error('the new token did not appear')
    const session = ck.openSession(token, 0x4 | 0x2) // CKF_SERIAL_SESSION | CKF_RW_SESSION
    ck.login(session, 0, soPin) // CKU_SO
    ck.initPin(session, pin)
    ck.logout(session)
    ck.closeSession(session)
    generated = ck.getTokenInfo(token).serialNumber.trim()
  } finally {
    soPin.fill(0)
    pin.fill(0)
    ck.finalize()
  }
  patchSerial(opts.tokens, generated, opts.serial)
}

function patchSerial(tokens: string, from: string, to: string): void {
  if (to.length !== 16) throw new Error('a SoftHSM2 serial is 16 characters')
  for (const dir of readdirSync(tokens)) {
    const file = join(tokens, dir, 'token.object')
    if (!existsSync(file)) continue
    const buf = readFileSync(file)
    const at = buf.indexOf(Buffer.from(from.padEnd(16, ' '), 'latin1'))
    if (at < 0) continue
    buf.write(to, at, 'latin1')
    writeFileSync(file, buf)
    return
  }
  throw new Error(`serial ${from} not found in the token store`)
}
