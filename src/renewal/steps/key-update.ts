import { randomBytes, verify as cryptoVerify, X509Certificate } from 'node:crypto'
import { UkeyError } from '../../errors.js'
import { stopOptimising } from '../../platform/v8-tuning.js'
import type { KeyAlgorithmSpec, SignMechanism, TokenObjectKind, TokenSession } from '../../hardware/pkcs11/types.js'
import type { PendingConfirmation } from '../cmp/client.js'
import { certificateFields } from '../cmp/certificate-fields.js'
import type { TransferOptions } from '../cmp/transfer.js'
import type { RenewalJournal } from '../journal.js'
import type { RenewalServer } from '../trust.js'
import type { Checkpoint, RenewEvent } from './events.js'
import { sleepUnlessAborted, type DeclaredStep, type Failure } from './runner.js'

/** What the steps of one renewal share: the key, the journal, the bank, and what earlier steps produced. */
export interface KeyUpdateState {
  session: TokenSession
  journal: RenewalJournal
  server: RenewalServer
  transfer: TransferOptions
  now: () => Date
  emit: (e: RenewEvent) => void
  login: () => Promise<void>
  sleep?: ((ms: number) => Promise<void>) | undefined
  checkpoint?: Checkpoint | undefined
  /** The credential being renewed: its CKA_ID and certificate (from the journal once the certificate has been removed). */
  old: { id: string; der: Buffer; label: string }
  mechanism: SignMechanism
  newKey: KeyAlgorithmSpec
  /** The window state the renewal started in (journalled with the first step). */
  windowState: string
  newKeyId?: string
  /** The label the new key pair gets: the old pair's (set by key generation's prepare). */
  newKeyLabel?: string
  newSpki?: Buffer
  issued?: { certificate: Buffer; confirmation: PendingConfirmation }
  /** Storing the certificate was begun by an earlier run (the write may have happened): look before writing. */
  storeBegunBefore?: boolean
}

const keep = (error: UkeyError): Failure => ({ policy: 'keep', error })
const rollBack = (error: UkeyError, reason?: string): Failure => ({ policy: 'roll-back', error, ...(reason ? { reason } : {}) })
/** The key pulled out mid-step: nothing is undone (it cannot be), a rerun with the key back in finishes. */
const removedOr = (e: UkeyError, otherwise: Failure): Failure => (e.code === 'TOKEN_REMOVED' ? keep(e) : otherwise)
const nothing = async (): Promise<void> => undefined

/**
 * The CMP client and its ASN.1 schemas take ~20 ms to load (bench/renew): they
 * load while the token generates the new key (koffi's worker thread; the event
 * loop is idle then), not before the first step. The first step that needs them awaits.
 */
let cmpLoading: Promise<typeof import('../cmp/client.js') & typeof import('../cmp/signer.js')> | undefined
function cmp(): Promise<typeof import('../cmp/client.js') & typeof import('../cmp/signer.js')> {
  cmpLoading ??= Promise.all([import('../cmp/client.js'), import('../cmp/signer.js')]).then(([client, signer]) => ({ ...client, ...signer }))
  return cmpLoading
}

/** The new key pair's id: set by key generation, or by the journal when resuming. */
function newId(s: KeyUpdateState): string {
  const id = s.newKeyId ?? s.journal.data.newKeyId
  if (!id) throw new UkeyError('INTERNAL', { params: { detail: 'no new key id' } })
  return id
}

/** 1. The window was checked before the plan was shown: the record says in which state, and where the request goes. */
const windowChecked: DeclaredStep<KeyUpdateState> = {
  name: 'window-checked',
  changesKey: false,
  resume: async () => true,
  run: async (s) => ({ patch: { server: s.server.url }, detail: { state: s.windowState } }),
  failed: (e) => rollBack(e),
  rollback: nothing,
}

/** 2. Every run logs in again (a session does not outlive its process). */
const loggedIn: DeclaredStep<KeyUpdateState> = {
  name: 'logged-in',
  changesKey: false,
  resume: async () => false,
  run: async (s) => {
    await s.login()
  },
  // A fresh renewal changed nothing: close its journal. A resumed one keeps waiting for the right PIN.
  failed: (e, s) => (s.journal.begun('key-generated') ? { policy: 'stop', error: e } : rollBack(e)),
  rollback: nothing,
}

/** 3. The new key pair under a fresh CKA_ID; the id is journalled before generation so a rollback finds half a pair. */
const keyGenerated: DeclaredStep<KeyUpdateState> = {
  name: 'key-generated',
  changesKey: true,
  async resume(s) {
    const id = s.journal.data.newKeyId
    const spki = s.journal.data.newSpki
    if (!id || !spki) return false
    if (!(await s.session.listKeyPairs()).some((p) => p.id === id && p.hasPrivateKey)) return false
    s.newKeyId = id
    s.newSpki = Buffer.from(spki, 'base64')
    return true
  },
  async prepare(s) {
    // The old key must be there to sign the request: without it the bank cannot know the customer (403.7).
    const oldPair = (await s.session.listKeyPairs()).find((p) => p.id === s.old.id && p.hasPrivateKey)
    if (!oldPair) throw new UkeyError('CERT_WITHOUT_KEY', { params: { id: s.old.id }, actions: ['action.diagnose4037'] })
    // The new pair takes the old pair's label (the name the bank's tools show), read here rather than listing the key again.
    s.newKeyLabel = oldPair.label || s.old.label
    // A generation cut short may have left half a pair: remove whatever is under the planned id.
    const before = s.journal.data.newKeyId
    if (before && before !== s.old.id) await s.session.deleteObjects(before)
    s.newKeyId = randomBytes(20).toString('hex')
    return { newKeyId: s.newKeyId }
  },
  async run(s) {
    // The generation first: its call reaches koffi's thread in the next microtask. Asked
    // for after it, the CMP client loads behind it on this thread while the token works;
    // asked for before it, the bundle's require of the client (~4.6 ms: node:http and the
    // schemas) ran first and the token waited for it (bench/README.md, session 7).
    const generated = s.session.generateKeyPair(s.newKey, newId(s), s.newKeyLabel ?? s.old.label)
    // Started, not awaited: a failure to load shows in the step that needs the client.
    cmp()
      .then((c) => {
        // The modules the rest of the renewal needs are loaded now (platform/v8-tuning.ts says why this waits for them).
        stopOptimising()
        return c.rehearseExchange({ oldCert: s.old.der, trusted: s.server.trusted, algorithm: s.mechanism }, s.now())
      })
      .catch(() => undefined)
    s.newSpki = (await generated).spki
    return { patch: { newSpki: s.newSpki.toString('base64') } }
  },
  failed: (e) => {
    if (e.code === 'CERT_WITHOUT_KEY') return rollBack(e)
    return removedOr(e, rollBack(new UkeyError('RENEWAL_KEYGEN_FAILED', { params: { detail: e.code === 'INTERNAL' ? String(e.params['detail'] ?? '') : e.code }, actions: ['action.diagnose0124'], cause: e }), 'key generation failed'))
  },
  async rollback(s) {
    const id = s.newKeyId ?? s.journal.data.newKeyId
    if (id && id !== s.old.id) await s.session.deleteObjects(id)
  },
}

/** 4. The key update request, signed by the old key, the proof of possession by the new; polled while the bank says "waiting". */
const requestSent: DeclaredStep<KeyUpdateState> = {
  name: 'request-sent',
  changesKey: false,
  async resume(s) {
    const j = s.journal
    if (!j.completed('certificate-received') || !j.data.newCertificate || !j.data.confirmation) return false
    s.issued = { certificate: Buffer.from(j.data.newCertificate, 'base64'), confirmation: j.data.confirmation }
    return true
  },
  async run(s, signal) {
    const { requestCertificate, tokenSigner } = await cmp()
    const issued = await requestCertificate({
      url: s.server.url,
      oldCert: s.old.der,
      newSpki: s.newSpki!,
      signerOld: tokenSigner(s.session, s.old.id, s.mechanism),
      signerNew: tokenSigner(s.session, newId(s), s.mechanism),
      trusted: s.server.trusted,
      transfer: { ...s.transfer, signal },
      now: s.now,
      sleep: (ms) => sleepUnlessAborted(ms, signal, s.sleep),
      onWaiting: (seconds, poll) => s.emit({ type: 'waiting', seconds, poll }),
    })
    s.issued = { certificate: issued.certificate, confirmation: issued.confirmation }
    return { patch: { transactionId: issued.confirmation.transactionID } }
  },
  // The bank did not issue (or forgot the request): the new key is of no use; the old pair was never touched.
  failed: (e) => removedOr(e, rollBack(e)),
  rollback: nothing,
}

/** 5a. The answer, verified by the client (the bank CA's signature, the new key, the old subject), journalled for a rerun. */
const certificateReceived: DeclaredStep<KeyUpdateState> = {
  name: 'certificate-received',
  changesKey: false,
  async resume(s) {
    // Issued before the interruption: checked again, the CA and the clock may have moved since.
    const { checkIssued } = await cmp()
    const problem = checkIssued(s.issued!.certificate, { oldCert: s.old.der, newSpki: s.newSpki!, trusted: s.server.trusted }, s.now())
    if (problem) throw new UkeyError('RENEWAL_BAD_CERTIFICATE', { params: { detail: problem } })
    return true
  },
  run: async (s) => ({
    patch: { newCertificate: s.issued!.certificate.toString('base64'), confirmation: s.issued!.confirmation },
    detail: { serial: certificateFields(s.issued!.certificate).serial.toString('hex') },
  }),
  failed: (e) => rollBack(e, e.code === 'RENEWAL_BAD_CERTIFICATE' ? String(e.params['detail'] ?? e.code) : undefined),
  rollback: nothing,
}

/** 5b. Stored beside the new key (once: a crash after the write leaves it there), and the pair proven to sign. */
const certificateStored: DeclaredStep<KeyUpdateState> = {
  name: 'certificate-stored',
  changesKey: true,
  resume: async () => true,
  prepare: async (s) => {
    s.storeBegunBefore = s.journal.begun('certificate-stored')
    return {}
  },
  async run(s) {
    const id = newId(s)
    const cert = s.issued!.certificate
    // A first attempt writes without listing: the new key's id is fresh, nothing can be under it yet.
    const present = s.storeBegunBefore !== false && (await s.session.listCertificates()).some((c) => c.id === id && c.der.equals(cert))
    if (!present) await s.session.storeCertificate(id, s.old.label, cert)
    const problem = await proveKey(s.session, id, s.mechanism, cert)
    if (problem) throw new UkeyError('RENEWAL_NEW_KEY_UNUSABLE', { params: { detail: problem } })
  },
  failed: (e) => (e.code === 'RENEWAL_NEW_KEY_UNUSABLE' ? rollBack(e) : keep(e)),
  async rollback(s) {
    const id = s.newKeyId ?? s.journal.data.newKeyId
    if (id && id !== s.old.id) await s.session.deleteObjects(id, 'certificate')
  },
}

/** 6a. Confirmed to the bank (certConf → pkiConf); repeating it after a crash is safe (same transaction). */
const confirmed: DeclaredStep<KeyUpdateState> = {
  name: 'confirmed',
  changesKey: false,
  resume: async () => true,
  run: async (s, signal) => {
    const { confirmCertificate, tokenSigner } = await cmp()
    await confirmCertificate(
      { url: s.server.url, oldCert: s.old.der, signerOld: tokenSigner(s.session, s.old.id, s.mechanism), trusted: s.server.trusted, transfer: { ...s.transfer, signal }, now: s.now },
      s.issued!.certificate,
      s.issued!.confirmation,
    )
  },
  failed: (e) => {
    // The bank will not record this certificate (or no longer knows it): it must not replace the old one.
    if (e.code === 'RENEWAL_REFUSED') return rollBack(e, `confirmation refused: ${String(e.params['text'] ?? '')}`)
    if (e.code === 'RENEWAL_TRANSACTION_LOST') return rollBack(e)
    return keep(e)
  },
  rollback: nothing,
}

/**
 * The old credential, one object at a time, certificate first, then the private
 * key, then the public key. A crash between two removals leaves the journal
 * confirmed and open, and the rerun removes whatever of the old set remains
 * (this step is never skipped). Certificate first because of what a crash
 * leaves if nobody reruns: an old key pair without a certificate is invisible
 * to the bank's web page and to ukey, while an old certificate without its key
 * is what browsers offer and fail with (FAQ 403.7) and makes two certificates
 * on the key for ukey to choose between.
 */
const OLD_REMOVAL_ORDER: readonly TokenObjectKind[] = ['certificate', 'private-key', 'public-key']

const oldRemoved: DeclaredStep<KeyUpdateState> = {
  name: 'old-removed',
  changesKey: true,
  resume: async () => false,
  async run(s) {
    let removed = 0
    if (s.old.id !== newId(s)) {
      for (const kind of OLD_REMOVAL_ORDER) {
        removed += await s.session.deleteObjects(s.old.id, kind)
        s.checkpoint?.(`old-removed:${kind}`)
      }
    }
    return { detail: { removed } }
  },
  failed: (e) => keep(e),
  rollback: nothing,
}

/** The renewal transaction (DESIGN.md), in order. */
export const KEY_UPDATE_STEPS: ReadonlyArray<DeclaredStep<KeyUpdateState>> = [
  windowChecked, loggedIn, keyGenerated, requestSent, certificateReceived, certificateStored, confirmed, oldRemoved,
]

/** The new key signs, and its signature verifies with the new certificate: what the bank's sign-in will need. */
async function proveKey(session: TokenSession, id: string, mechanism: SignMechanism, certificate: Buffer): Promise<string | null> {
  const challenge = randomBytes(32)
  let sig: Buffer
  try {
    sig = await session.sign(id, mechanism, challenge)
  } catch (e) {
    if (e instanceof UkeyError && e.code === 'TOKEN_REMOVED') throw e
    return e instanceof UkeyError ? e.code : String(e)
  }
  const key = new X509Certificate(certificate).publicKey
  const ok = mechanism === 'ECDSA-SHA256'
    ? cryptoVerify('sha256', challenge, { key, dsaEncoding: 'ieee-p1363' }, sig)
    : cryptoVerify('sha256', challenge, key, sig)
  return ok ? null : 'the signature does not verify with the new certificate'
}
