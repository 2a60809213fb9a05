import type { Writable } from 'node:stream'

/**
 * Buffered text output with back-pressure: 100,000 rows go out in 64 KiB
 * writes, and a slow reader (a pipe into `less`) pauses the producer between
 * batches instead of filling memory. Text is UTF-8-encoded straight into the
 * buffer as it comes: joining strings and encoding them later cost 10 µs a row
 * (bench/README.md). Writes are synchronous (no promise per row).
 */
export class TextSink {
  private buf: Buffer
  private used = 0
  private blocked = false
  // A stream that has written a chunk when write() returns (platform/std-output.ts,
  // a file or /dev/null) gets the same buffer again: at 100,000 NDJSON rows that is
  // ~1,100 fewer 64 KiB allocations for the garbage collector (issue 16).
  private readonly reuse: boolean

  constructor(
    private readonly stream: Writable,
    private readonly size = 64 * 1024,
  ) {
    this.buf = Buffer.allocUnsafe(size)
    this.reuse = (stream as { writesSynchronously?: boolean }).writesSynchronously === true
  }

  write(text: string): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    if (this.used + text.length * 3 > this.size) {
      this.push()
      if (text.length * 3 > this.size) {
        if (!this.stream.write(text)) this.blocked = true
        return
      }
    }
    this.used += this.buf.write(text, this.used, 'utf8')
  }

  /** Text given as its UTF-8 octets (output/octets.ts): copied as it is, no encoding. */
  writeOctets(octets: string): void {
    if (this.used + octets.length > this.size) {
      this.push()
      if (octets.length > this.size) {
        if (!this.stream.write(Buffer.from(octets, 'latin1'))) this.blocked = true
        return
      }
    }
    this.used += this.buf.write(octets, this.used, 'latin1')
  }

  /**
   * Bytes already UTF-8 (lines a batch thread rendered), always copied: the caller
   * hands their buffer back to the thread once written (src/app/window-worker.ts).
   */
  writeBytes(bytes: Uint8Array): void {
    let at = 0
    while (at < bytes.length) {
      if (this.used === this.size) this.push()
      const n = Math.min(bytes.length - at, this.size - this.used)
      this.buf.set(bytes.subarray(at, at + n), this.used)
      this.used += n
      at += n
    }
  }

  private push(): void {
    if (this.used === 0) return
    const chunk = this.buf.subarray(0, this.used)
    // Any other stream may hold the chunk until it drains: the next rows go to a fresh buffer.
    if (!this.reuse) this.buf = Buffer.allocUnsafe(this.size)
    this.used = 0
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
