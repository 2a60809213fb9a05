import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { defaultLabDir } from './paths.js'
import { UkeyError } from '../errors.js'
import type { ProviderFactory } from '../hardware/tokens.js'
import type { KeyAlgorithmSpec } from '../hardware/pkcs11/types.js'
import { createLabCa, issueCertificate } from './ca.js'
import { makePrivateDir, makeTreePrivate, writePrivateFile } from './private-files.js'
import { findSoftHsm, initLabToken, writeSoftHsmConf } from './softhsm.js'

const DAY = 86_400_000

/** The lab's PIN when none is given at `lab init` (documented in the README; a lab token holds no secret). */
export const LAB_DEFAULT_PIN = '123456'
export const LAB_LABEL = 'ukey-lab'
/** The lab CMP server's default port (`ukey lab serve`). */
export const LAB_CMP_PORT = 18080
export { defaultLabDir }

export interface LabState {
  schemaVersion: 1
  dir: string
  createdAt: string
  module: string
  conf: string
  profile: string
  token: { label: string; serial: string; vendorCode: string }
  ca: { cert: string; key: string }
  certificate: { id: string; subject: string; serial: string; notBefore: string; notAfter: string; keyAlgorithm: string }
}


export function readLabState(dir: string): LabState | null {
  try {
    return JSON.parse(readFileSync(join(dir, 'lab.json'), 'utf8')) as LabState
  } catch {
    return null
  }
}

export interface InitOptions {
  dir: string
  factory: ProviderFactory
  /** Sets the lab token's SOFTHSM2_CONF where the native module reads it (Io.applyEnvironment). */
  applyEnvironment: (vars: Readonly<Record<string, string>>) => void
  pin: string
  now: Date
  expiresInDays: number
  vendorCode: string
  key: KeyAlgorithmSpec
  subjectCN?: string
}

/**
 * Makes the lab: a SoftHSM2 token whose serial starts with a FAQ vendor code, a
 * software CA, an "old" key pair on the token and its certificate from that CA
 * expiring in `expiresInDays`, and a bank profile (marked lab) pointing at them.
 */
export async function initLab(o: InitOptions): Promise<LabState> {
  if (readLabState(o.dir)) throw new UkeyError('LAB_EXISTS', { params: { dir: o.dir } })
  const module = findSoftHsm()
  if (!module) throw new UkeyError('LAB_NO_SOFTHSM')
  makePrivateDir(o.dir)
  const { conf, tokens } = writeSoftHsmConf(o.dir)
  const serial = `${o.vendorCode}${randomBytes(7).readUIntBE(0, 6).toString().padStart(14, '0').slice(0, 14)}`
  await initLabToken({ module, conf, tokens, label: LAB_LABEL, soPin: randomBytes(12).toString('hex'), pin: o.pin, serial, applyEnvironment: o.applyEnvironment })
  makeTreePrivate(tokens)

  const ca = await createLabCa(o.now)
  const caCert = join(o.dir, 'ca.crt')
  const caKey = join(o.dir, 'ca.key')
  writePrivateFile(caCert, ca.certPem)
  writePrivateFile(caKey, ca.keyPem)

  const provider = await o.factory([module])
  try {
    const { tokens: found } = await provider.listTokens()
    const info = found.find((t) => t.serial === serial)
    if (!info) throw new UkeyError('TOKEN_NOT_FOUND', { params: { detail: ` (${serial})` } })
    const session = await provider.open(info)
    try {
      await session.login(o.pin)
      const id = randomBytes(20).toString('hex')
      const { spki } = await session.generateKeyPair(o.key, id, 'ukey lab key')
      const notAfter = new Date(o.now.getTime() + o.expiresInDays * DAY)
      const notBefore = new Date(notAfter.getTime() - 365 * DAY)
      const subject = `C=CN,O=ukey lab,OU=个人网银 (lab),CN=${o.subjectCN ?? '张三 (lab)'}`
      const certSerial = randomBytes(8).toString('hex').replace(/^[89a-f]/, '1')
      const der = await issueCertificate(ca, { spki, subject, serialHex: certSerial, notBefore, notAfter })
      await session.storeCertificate(id, 'ukey lab certificate', der)
      const state: LabState = {
        schemaVersion: 1,
        dir: o.dir,
        createdAt: o.now.toISOString(),
        module,
        conf,
        profile: join(o.dir, 'profile.json'),
        token: { label: LAB_LABEL, serial, vendorCode: o.vendorCode },
        ca: { cert: caCert, key: caKey },
        certificate: { id, subject, serial: certSerial, notBefore: notBefore.toISOString(), notAfter: notAfter.toISOString(), keyAlgorithm: o.key.algorithm },
      }
      writePrivateFile(state.profile, JSON.stringify({
        name: 'ukey lab (not a bank)',
        lab: true,
        pkcs11: { modules: [module], environment: { SOFTHSM2_CONF: conf }, p11kit: false },
        // `ukey lab serve` listens here by default.
        renewal: { url: `http://127.0.0.1:${LAB_CMP_PORT}/pkix/`, caCerts: ['ca.crt'] },
      }, null, 2) + '\n')
      writePrivateFile(join(o.dir, 'lab.json'), JSON.stringify(state, null, 2) + '\n')
      // The key pair and certificate just stored: SoftHSM2 wrote them with modes of its own.
      makeTreePrivate(tokens)
      return state
    } finally {
      await session.close()
    }
  } finally {
    await provider.close()
  }
}

/** Removes the lab, but only a folder that is one (it holds lab.json): never anything else. */
export function resetLab(dir: string): boolean {
  if (!existsSync(join(dir, 'lab.json')) && !existsSync(join(dir, 'softhsm2.conf'))) return false
  rmSync(dir, { recursive: true, force: true })
  return true
}
