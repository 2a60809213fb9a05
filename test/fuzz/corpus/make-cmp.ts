// CMP seeds for the fuzz runs: a whole key update conversation with the lab
// server (kur → waiting → pollReq → pollRep → pollReq → kup → certConf →
// pkiConf) and a refusal (error), each message as sent. Run by make.sh.

import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLabCa, issueCertificate } from '../../../src/lab/ca.js'
import { createLabCmpServer } from '../../../src/lab/cmp-server.js'
import { buildCertConf, buildKeyUpdateRequest, buildPollReq, readResponse } from '../../../src/renewal/cmp/messages.js'
import { softwareSigner, spkiOf } from '../../../src/renewal/cmp/signer.js'

const DAY = 86_400_000
const now = new Date()
const ca = await createLabCa(now)
const oldKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
const newKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
const oldCert = await issueCertificate(ca, {
  spki: spkiOf(oldKey), subject: 'C=CN,O=ukey lab,CN=张三 (fuzz)', serialHex: '1f0123456789',
  notBefore: new Date(now.getTime() - 340 * DAY), notAfter: new Date(now.getTime() + 20 * DAY),
})
const state = mkdtempSync(join(tmpdir(), 'ukey-fuzz-corpus-'))
const server = createLabCmpServer({ ca, policy: { renewBeforeDays: 30, graceAfterDays: 90 }, stateFile: join(state, 'renewals.json'), waitingCount: 2 })
const out: Record<string, Buffer> = {}
const kur = await buildKeyUpdateRequest({ oldCert, signerOld: softwareSigner(oldKey), newSpki: spkiOf(newKey), signerNew: softwareSigner(newKey) })
out['kur'] = kur.der
out['kup-waiting'] = await server.handle(kur.der)
let last = readResponse(out['kup-waiting'])
const poll1 = await buildPollReq({ oldCert, signerOld: softwareSigner(oldKey), transactionID: kur.transactionID, recipNonce: last.header.senderNonce! })
out['pollReq'] = poll1.der
out['pollRep'] = await server.handle(poll1.der)
last = readResponse(out['pollRep'])
const poll2 = await buildPollReq({ oldCert, signerOld: softwareSigner(oldKey), transactionID: kur.transactionID, recipNonce: last.header.senderNonce! })
out['kup-accepted'] = await server.handle(poll2.der)
last = readResponse(out['kup-accepted'])
if (last.kind !== 'kup' || !last.certificate) throw new Error('no certificate in the corpus conversation')
const conf = await buildCertConf({ oldCert, signerOld: softwareSigner(oldKey), transactionID: kur.transactionID, recipNonce: last.header.senderNonce!, certificate: last.certificate })
out['certConf'] = conf.der
out['pkiConf'] = await server.handle(conf.der)
out['error'] = await server.handle(Buffer.from('30030201ff', 'hex'))
for (const [name, der] of Object.entries(out)) writeFileSync(join(import.meta.dirname, `${name}.der`), der)
rmSync(state, { recursive: true, force: true })
