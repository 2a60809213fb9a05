import { PassThrough, Readable, Writable } from 'node:stream'
import type { Io, Prompt } from '../../src/app/io.js'
import { makeUi } from '../../src/app/ui.js'

export interface FakeIo extends Io {
  /** Everything written to stdout / stderr so far. */
  out(): string
  err(): string
  /** The questions asked through the prompt, in order. */
  readonly asked: string[]
  /** The environment variables the use case asked the entry to set. */
  readonly applied: Record<string, string>
}

function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = []
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk))
      done()
    },
  })
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') }
}

/**
 * A command's Io without a process: no terminal (so no prompt and no spinner unless
 * given), English, a fixed clock, an environment of its own, stdin from a string.
 */
export function fakeIo(
  opts: {
    stdin?: string
    env?: Record<string, string>
    now?: Date
    lang?: string
    answers?: Array<string | boolean>
    canPrompt?: boolean
    /** The test stands for the entry: a native module in this process (SoftHSM2) must see what the use case applies. */
    nativeEnvironment?: boolean
  } = {},
): FakeIo {
  const stdout = collector()
  const stderr = collector()
  const env: Record<string, string> = { ...(opts.env ?? {}) }
  const ui = makeUi({ lang: opts.lang ?? 'en', env: { ...env, NO_COLOR: '1' }, terminals: { stdin: false, stdout: false, stderr: false } })
  // A person at the other end, without a terminal: the prompt is the test's.
  ui.canPrompt = opts.canPrompt ?? false
  const asked: string[] = []
  const answers = [...(opts.answers ?? [])]
  const next = (message: string): string | boolean => {
    asked.push(message)
    if (answers.length === 0) throw new Error(`unexpected question: ${message}`)
    return answers.shift()!
  }
  const prompt: Prompt = {
    password: async (message) => String(next(message)),
    confirm: async (message) => Boolean(next(message)),
  }
  const applied: Record<string, string> = {}
  const stdin = opts.stdin === undefined ? new PassThrough() : Readable.from([Buffer.from(opts.stdin)])
  if (opts.stdin === undefined) (stdin as PassThrough).end()
  return {
    ui,
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin,
    env,
    applyEnvironment(vars) {
      Object.assign(applied, vars)
      if (opts.nativeEnvironment) Object.assign(process.env, vars)
    },
    now: () => opts.now ?? new Date('2026-06-01T00:00:00Z'),
    prompt,
    spinner: undefined,
    out: stdout.text,
    err: stderr.text,
    asked,
    applied,
  }
}
