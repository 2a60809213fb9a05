import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
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
