import { decodeCertificates, derProblem, type CertFormat } from '../cert/decode.js'
import { openPkcs12 } from '../cert/pkcs12.js'
import { readCertSummary, type CertSummary } from '../cert/summary.js'
import { UkeyError } from '../errors.js'
import { expandInputs, readSourceFile, readStdin, type Source } from '../hardware/soft-store/sources.js'

/**
 * Asked for a PKCS#12 password. `attempt` counts from 1; return undefined when no
 * (further) password can be had: the file is then reported, not fatal.
 */
export type PasswordProvider = (source: string, attempt: number) => Promise<string | undefined>

export type CertificateEvent =
  | { type: 'certificate'; source: string; index: number; format: CertFormat; cert: CertSummary }
  | { type: 'error'; source: string; error: UkeyError }

export interface ReadOptions {
  inputs: string[]
  recursive: boolean
  password?: PasswordProvider
  stdin?: NodeJS.ReadableStream
}

// Yield to the event loop now and then so a spinner turns and stdout drains.
const YIELD_EVERY = 512

/**
 * Every certificate in the inputs, in order, as a stream: a bad input becomes an
 * error event and the rest go on (the batch contract). Nothing is held beyond
 * the file being read.
 */
export async function* readCertificates(opts: ReadOptions): AsyncGenerator<CertificateEvent> {
  let sinceYield = 0
  for (const item of expandInputs(opts.inputs, opts.recursive)) {
    if (!item.ok) {
      yield { type: 'error', source: item.path, error: item.error }
      continue
    }
    yield* readOne(item.source, opts)
    if (++sinceYield >= YIELD_EVERY) {
      sinceYield = 0
      await new Promise((r) => setImmediate(r))
    }
  }
}

async function* readOne(source: Source, opts: ReadOptions): AsyncGenerator<CertificateEvent> {
  const name = source.path
  let events: CertificateEvent[]
  try {
    const buf = source.kind === 'stdin' ? await readStdin(opts.stdin) : readSourceFile(source.path)
    const decoded = decodeCertificates(buf, name)
    if (decoded === 'pkcs12') {
      const certs = await readPkcs12(buf, name, opts.password)
      events = certs.map((cert, i) => ({ type: 'certificate', source: name, index: i + 1, format: 'pkcs12', cert }))
    } else {
      events = decoded.certificates.map((cert, i) => ({ type: 'certificate', source: name, index: i + 1, format: decoded.format, cert }))
      for (const error of decoded.problems) events.push({ type: 'error', source: name, error })
    }
  } catch (e) {
    const error = e instanceof UkeyError ? e : derProblem(e, name)
    events = [{ type: 'error', source: name, error }]
  }
  yield* events
}

async function readPkcs12(buf: Buffer, source: string, provider?: PasswordProvider): Promise<CertSummary[]> {
  // Many exported PFX files have an empty password: try it before asking anyone.
  let result = openPkcs12(buf, '', source)
  let attempt = 0
  while (!result.ok) {
    const password = provider ? await provider(source, ++attempt) : undefined
    if (password === undefined) {
      throw new UkeyError(attempt > 1 ? 'PKCS12_PASSWORD_WRONG' : 'PKCS12_PASSWORD_REQUIRED', {
        params: { source },
        actions: ['action.passwordOptions'],
      })
    }
    result = openPkcs12(buf, password, source)
  }
  return result.certificates.map((der) => {
    try {
      return readCertSummary(der)
    } catch (e) {
      throw derProblem(e, source)
    }
  })
}
