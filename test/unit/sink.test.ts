import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { fromOctets, jsonOctets, plainJson, utf8Octets } from '../../src/output/octets.js'
import { TextSink } from '../../src/output/sink.js'

class Collect extends Writable {
  chunks: Buffer[] = []
  constructor(private readonly slow = false) {
    super({ highWaterMark: 1024 })
  }
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.chunks.push(Buffer.from(chunk))
    if (this.slow) setTimeout(cb, 1)
    else cb()
  }
}

describe('TextSink', () => {
  it('keeps every byte, in order, across buffer boundaries and multi-byte text', async () => {
    const out = new Collect()
    const sink = new TextSink(out, 64)
    const parts = ['abc', '张三李四', 'x'.repeat(100), '王五 (lab)\n', '', 'é€😀']
    for (let i = 0; i < 50; i++) for (const p of parts) sink.write(p)
    await sink.flush()
    expect(Buffer.concat(out.chunks).toString('utf8')).toBe(parts.join('').repeat(50))
  })

  it('octets (output/octets.ts) mixed with text: the same bytes, across boundaries, and one longer than the buffer', async () => {
    const out = new Collect()
    const sink = new TextSink(out, 64)
    const parts = ['abc', '张三李四', 'x'.repeat(100), '王五 (lab)\n', '', 'é€😀', '中'.repeat(30)]
    for (let i = 0; i < 30; i++) {
      parts.forEach((p, k) => ((i + k) % 2 === 0 ? sink.write(p) : sink.writeOctets(utf8Octets(p))))
    }
    await sink.flush()
    expect(Buffer.concat(out.chunks).toString('utf8')).toBe(parts.join('').repeat(30))
    expect(fromOctets(utf8Octets('张三 a'))).toBe('张三 a')
    expect(utf8Octets('plain ascii')).toBe('plain ascii')
    expect(utf8Octets('证'.repeat(2000))).toBe(Buffer.from('证'.repeat(2000)).toString('latin1'))
  })

  it('a stream that keeps the chunks it is given (a pipe waiting to drain) gets a fresh buffer each time; one that writes at once gets the same one', async () => {
    // Each part fits the buffer (a longer one goes to the stream as text, unbuffered).
    const parts = ['abc', '张三李四', 'x'.repeat(20), '王五 (lab)\n', 'é€😀']
    const kept: Uint8Array[] = []
    const keeping = { write: (c: Uint8Array): boolean => (kept.push(c), true) } as unknown as Writable
    const copied: Buffer[] = []
    // Where a chunk's memory is: small buffers share Node's pool, so the buffer and the offset in it.
    const ids = new Map<ArrayBufferLike, number>()
    const place = (c: Uint8Array): string => `${ids.get(c.buffer) ?? (ids.set(c.buffer, ids.size), ids.size - 1)}:${c.byteOffset}`
    const seen = new Set<string>()
    const synchronous = { writesSynchronously: true, write: (c: Uint8Array): boolean => (copied.push(Buffer.from(c)), seen.add(place(c)), true) } as unknown as Writable
    for (const [stream, sink] of [[keeping, new TextSink(keeping, 64)], [synchronous, new TextSink(synchronous, 64)]] as const) {
      for (let i = 0; i < 20; i++) for (const p of parts) sink.write(p)
      await sink.flush()
      void stream
    }
    const expected = parts.join('').repeat(20)
    expect(Buffer.concat(kept).toString('utf8')).toBe(expected)
    expect(new Set(kept.map(place)).size).toBe(kept.length)
    expect(Buffer.concat(copied).toString('utf8')).toBe(expected)
    expect(copied.length).toBeGreaterThan(10)
    expect(seen.size).toBe(1)
  })

  it('a slow reader makes drain() wait instead of buffering without bound', async () => {
    const out = new Collect(true)
    const sink = new TextSink(out, 256)
    let waited = 0
    for (let i = 0; i < 200; i++) {
      sink.write('line of certificate output 证书\n')
      const t = Date.now()
      await sink.drain()
      waited += Date.now() - t
    }
    await sink.flush()
    await new Promise((r) => out.end(r))
    expect(waited).toBeGreaterThan(0)
    expect(Buffer.concat(out.chunks).toString('utf8').split('\n')).toHaveLength(201)
  })
})

describe('jsonOctets: JSON.stringify as UTF-8 octets', () => {
  // Every character class the quick path must leave to JSON.stringify, and the ones it takes.
  const texts = ['', 'bench/out/corpus-100000/00/cert-000001.pem', 'C:\\certs\\a.pem', 'a"b', 'tab\there', 'nl\n', '\u001f', '\u007f', ' ~', '张三.pem', '\u00e9', '\u{1F510}.pem', '\ud800 lone', '2027-10-31 20:17:27 +08:00']

  it('the same octets as utf8Octets(JSON.stringify(text)), for every kind of text', () => {
    for (const text of texts) expect({ text, json: jsonOctets(text) }).toEqual({ text, json: utf8Octets(JSON.stringify(text)) })
    for (const text of texts) expect(JSON.parse(fromOctets(jsonOctets(text)))).toBe(text)
  })

  it('plain only when JSON.stringify leaves the text as it is and it is ASCII', () => {
    for (const text of texts) expect({ text, plain: plainJson(text) }).toEqual({ text, plain: JSON.stringify(text) === `"${text}"` && /^[\u0000-\u007f]*$/.test(text) })
  })
})
