import type { Writable } from 'node:stream'

/**
 * Buffered text output with back-pressure: 100,000 rows go out in 64 KiB
 * writes, and a slow reader (a pipe into `less`) pauses the producer between
 * batches instead of filling memory. Writes are synchronous (no promise per row).
 */
export class TextSink {
  private buf: string[] = []
  private size = 0
  private blocked = false

  constructor(
    private readonly stream: Writable,
    private readonly flushAt = 64 * 1024,
  ) {}

  write(text: string): void {
    this.buf.push(text)
    this.size += text.length
    if (this.size >= this.flushAt) this.push()
  }

  private push(): void {
    if (this.size === 0) return
    const chunk = this.buf.join('')
    this.buf = []
    this.size = 0
    if (!this.stream.write(chunk)) this.blocked = true
  }

  /** Resolves once the stream has taken what was written (awaited between batches). */
  async drain(): Promise<void> {
    if (!this.blocked) return
    this.blocked = false
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.stream.off('drain', done)
        this.stream.off('error', done)
        this.stream.off('close', done)
        resolve()
      }
      this.stream.once('drain', done)
      this.stream.once('error', done)
      this.stream.once('close', done)
    })
  }

  async flush(): Promise<void> {
    this.push()
    await this.drain()
  }
}
