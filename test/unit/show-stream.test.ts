// show-cert renders as the certificates come (src/output/show-stream.ts); what it
// writes is what the whole-document renderers wrote when everything was held.
import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { readCertificates } from '../../src/hardware/soft-store/read-certificates.js'
import { showCertificates, type ShowEvent, type ShownCertificate } from '../../src/cert/show-events.js'
import { translator } from '../../src/i18n/index.js'
import { DEFAULT_PROFILE } from '../../src/profile/default.js'
import { errorRecord, showCard, showJson, showRecord } from '../../src/output/show-render.js'
import { TextSink } from '../../src/output/sink.js'
import { showRenderer } from '../../src/output/show-stream.js'
import { fixture } from '../helpers/cli.js'

const t = translator('en')
const at = new Date('2026-12-15T00:00:00Z')
const INPUTS = [fixture('rsa.pem'), fixture('chain.pem'), fixture('bad/truncated.der'), fixture('ec.pem'), fixture('bundle.p7b')]

async function events(inputs: string[], profile = DEFAULT_PROFILE): Promise<ShowEvent[]> {
  const out: ShowEvent[] = []
  for await (const ev of showCertificates(readCertificates({ inputs, recursive: false, stdin: process.stdin }), { at, profile })) out.push(ev)
  return out
}

async function streamed(evs: ShowEvent[], json: boolean, profile = DEFAULT_PROFILE): Promise<string> {
  const stream = new PassThrough()
  const chunks: Buffer[] = []
  stream.on('data', (c: Buffer) => chunks.push(c))
  const out = new TextSink(stream, 1024)
  const r = showRenderer(json, { out, t, profile, tz: 'Asia/Shanghai' })
  for (const ev of evs) r.event(ev)
  r.end(3)
  await out.flush()
  return Buffer.concat(chunks).toString('utf8')
}

describe('show-cert streamed output equals the whole document', () => {
  it('JSON: byte for byte JSON.stringify(document, null, 2)', async () => {
    const evs = await events(INPUTS)
    const shown = evs.filter((e): e is ShownCertificate => e.type === 'certificate')
    const errors = evs.filter((e) => e.type === 'error').map((e) => errorRecord(e as Extract<ShowEvent, { type: 'error' }>, t))
    expect(shown.length).toBe(8)
    expect(errors.length).toBe(1)
    expect(await streamed(evs, true)).toBe(showJson(shown.map((c) => showRecord(c, t, DEFAULT_PROFILE, 'Asia/Shanghai')), errors, false, 3))
  })

  it('JSON with no certificate at all', async () => {
    const evs = await events([fixture('bad/truncated.der')])
    expect(await streamed(evs, true)).toBe(showJson([], [errorRecord(evs[0] as Extract<ShowEvent, { type: 'error' }>, t)], false, 3))
    expect(await streamed([], true)).toBe(showJson([], [], false, 3))
  })

  it('cards: "#n" exactly when a source holds more than one certificate, a blank line between cards', async () => {
    const evs = await events(INPUTS)
    const shown = evs.filter((e): e is ShownCertificate => e.type === 'certificate')
    const counts = new Map<string, number>()
    for (const c of shown) counts.set(c.source, (counts.get(c.source) ?? 0) + 1)
    const whole = shown.map((c) => showCard(c, t, DEFAULT_PROFILE, { tz: 'Asia/Shanghai', count: counts.get(c.source)! })).join('\n')
    expect(await streamed(evs, false)).toBe(whole)
    const heads = (await streamed(evs, false)).split('\n').filter((l) => l.startsWith('/'))
    expect(heads.map((h) => h.replace(/^.*\//, ''))).toEqual(['rsa.pem', 'chain.pem#1', 'chain.pem#2', 'chain.pem#3', 'ec.pem', 'bundle.p7b#1', 'bundle.p7b#2', 'bundle.p7b#3'])
  })

  it('a one-certificate file named twice is headed by its name both times', async () => {
    const evs = await events([fixture('rsa.pem'), fixture('ec.pem'), fixture('rsa.pem')])
    const heads = (await streamed(evs, false)).split('\n').filter((l) => l.startsWith('/'))
    expect(heads.map((h) => h.replace(/^.*\//, ''))).toEqual(['rsa.pem', 'ec.pem', 'rsa.pem'])
  })

  it('the lab banner comes first, and only once there is a card', async () => {
    const lab = { ...DEFAULT_PROFILE, lab: true }
    const evs = await events([fixture('ec.pem')], lab)
    expect((await streamed(evs, false, lab)).startsWith(t('lab.banner') + '\n')).toBe(true)
    expect(await streamed([], false, lab)).toBe('')
  })
})
