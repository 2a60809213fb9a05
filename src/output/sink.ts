import type { Writable } from 'node:stream'

/**
 * Buffered text output with back-pressure: 100,000 rows go out in 64 KiB
 * writes, and a slow reader (a pipe into `less`) pauses the producer instead of
 * filling memory.
 */
export class TextSink {
  private buf: string[] = []
  private size = 0

  constructor(
    private readonly stream: Writable,
    private readonly flushAt = 64 * 1024,
  ) {}

  async write(text: string): Promise<void> {
    this.buf.push(text)
    this.size += text.length
    if (this.size >= this.flushAt) await this.flush()
  }

  async flush(): Promise<void> {
    if (this.size === 0) return
    const chunk = this.buf.join('')
    this.buf = []
    this.size = 0
    if (!this.stream.write(chunk)) {
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
  }
}
