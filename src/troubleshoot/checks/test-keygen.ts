import { randomBytes } from 'node:crypto'
import { isUkeyError } from '../../errors.js'
import type { KeyAlgorithmSpec } from '../../hardware/pkcs11/types.js'
import { msg, unknown, type Check } from './check.js'

const TEST_LABEL = 'ukey diagnose test key'

/**
 * FAQ 10 (0124, "key-pair generation failed"): the key generates a key pair of
 * the kind a renewal would, and ukey deletes it at once. Run only with the
 * technician's consent: it needs the PIN and writes to the customer's key.
 */
export const testKeygen: Check = async (probes) => {
  const t = await probes.token()
  if ('error' in t) return unknown(msg('diagnose.ev.noKey'))
  if ((await probes.login()) === 'no-pin') return unknown(msg('diagnose.ev.keygenNeedsPin'))
  const cert = await probes.certificate()
  const spec: KeyAlgorithmSpec = cert?.summary.keyAlgorithm === 'RSA' ? { algorithm: 'RSA', bits: 2048 } : { algorithm: 'EC', curve: 'P-256' }
  const what = spec.algorithm === 'RSA' ? 'RSA-2048' : 'EC P-256'
  const session = await probes.session()
  const id = randomBytes(16).toString('hex')
  try {
    await session.generateKeyPair(spec, id, TEST_LABEL)
  } catch (e) {
    if (!isUkeyError(e) || e.code === 'TOKEN_REMOVED' || e.code.startsWith('PIN_')) throw e
    // Whatever half was made goes too.
    await session.deleteObjects(id).catch(() => 0)
    return { outcome: 'fail', evidence: [msg('diagnose.ev.keygenFailed', { what }), msg(e.key, e.params)], data: { algorithm: what, error: e.code }, remedy: msg('diagnose.fix.keygenFailed'), verdict: 'faulty' }
  }
  const removed = await session.deleteObjects(id)
  const left = (await session.listKeyPairs()).some((k) => k.id === id)
  if (left || removed === 0) {
    return { outcome: 'fail', evidence: [msg('diagnose.ev.keygenNotRemoved', { id })], data: { algorithm: what, keyId: id }, remedy: msg('diagnose.fix.keygenLeftover', { id }) }
  }
  return { outcome: 'pass', evidence: [msg('diagnose.ev.keygenOk', { what, removed })], data: { algorithm: what, removed } }
}
