import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { readCertSummary } from '../../cert/summary.js'
import { RenewalJournal, type JournalEntry, type JournalRecord } from '../../renewal/journal.js'
import type { Probes } from '../probes.js'
import { msg, unknown, type Check } from './check.js'
import { tokenCertificate } from './token-certificate.js'

/** Every journal in the folder, whatever its state (RenewalJournal.pending lists the open ones only). */
export function readJournals(dir: string): JournalRecord[] {
  let names: string[]
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json')).sort()
  } catch {
    return []
  }
  return names.map((n) => RenewalJournal.load(join(dir, n))?.data).filter((r): r is JournalRecord => r !== undefined)
}

function newSerial(r: JournalRecord): string | null {
  if (!r.newCertificate) return null
  try {
    return readCertSummary(Buffer.from(r.newCertificate, 'base64')).serial
  } catch {
    return null
  }
}

const lastEntry = (r: JournalRecord): JournalEntry | undefined => r.entries[r.entries.length - 1]

/** The server said no (CMP rejection): renew records the error code with the failed step. */
function refusal(r: JournalRecord): JournalEntry | null {
  const e = lastEntry(r)
  return e && e.phase === 'failed' && String(e.detail?.['code'] ?? '').startsWith('RENEWAL_REFUSED') ? e : null
}

async function journalsOfThisCertificate(probes: Probes): Promise<{ serial: string; token: string; records: JournalRecord[] } | null> {
  const cert = await tokenCertificate(probes)
  const t = await probes.token()
  if (!cert || 'error' in t) return null
  const serial = cert.summary.serial
  const records = readJournals(probes.world.journalDir).filter((r) => r.token.serial === t.token.serial && (r.old.certSerial === serial || newSerial(r) === serial))
  return { serial, token: t.token.serial, records }
}

/**
 * 0116 "…or renewal was already applied for" (FAQ 12): ukey's journal of this
 * certificate. A completed renewal explains the code (the certificate on the key
 * is already the new one, or the old one was renewed); an open one is a renewal
 * still under way that `ukey renew` resumes.
 */
export const renewalJournal: Check = async (probes) => {
  const mine = await journalsOfThisCertificate(probes)
  if (!mine) return unknown(msg('diagnose.ev.noCertToAssess'))
  const evidence = [msg('diagnose.ev.journals', { count: mine.records.length, dir: probes.world.journalDir })]
  const done = mine.records.find((r) => r.state === 'done')
  if (done) {
    const at = lastEntry(done)?.at ?? done.createdAt
    const params = { date: at.slice(0, 10), old: done.old.certSerial, new: newSerial(done) ?? '-' }
    return { outcome: 'fail', evidence: [...evidence, msg('diagnose.ev.renewedAlready', params)], data: { journal: done.id, state: done.state }, remedy: msg('diagnose.fix.alreadyRenewed', params), verdict: 'ok' }
  }
  const open = mine.records.find((r) => r.state === 'open' && !refusal(r))
  if (open) {
    const params = { date: open.createdAt.slice(0, 10), step: lastEntry(open)?.step ?? '-' }
    return { outcome: 'fail', evidence: [...evidence, msg('diagnose.ev.renewalPending', params)], data: { journal: open.id, state: open.state }, remedy: msg('diagnose.fix.resumeRenewal'), verdict: 'action' }
  }
  return { outcome: 'pass', evidence, data: { journals: mine.records.length } }
}

/**
 * FAQ 12.4 / 13.4, "if the error persists": the bank's server refused this
 * certificate's renewal while everything checked before it is in order.
 */
export const renewalRefused: Check = async (probes) => {
  const mine = await journalsOfThisCertificate(probes)
  if (!mine) return unknown(msg('diagnose.ev.noCertToAssess'))
  const refused = mine.records.map((r) => ({ r, e: refusal(r) })).filter((x) => x.e && x.r.old.certSerial === mine.serial)
  const last = refused.sort((a, b) => a.e!.at.localeCompare(b.e!.at)).pop()
  if (!last) return { outcome: 'pass', evidence: [msg('diagnose.ev.noRefusal')], data: { refusals: 0 } }
  const params = { date: last.e!.at.slice(0, 10), code: String(last.e!.detail?.['code']), step: last.e!.step }
  return { outcome: 'fail', evidence: [msg('diagnose.ev.refused', params)], data: { refusals: refused.length + 1, code: params.code }, remedy: msg('diagnose.fix.refusedByBank', params) }
}
