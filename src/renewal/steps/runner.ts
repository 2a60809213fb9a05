import { UkeyError } from '../../errors.js'
import type { JournalEntry, JournalPatch, RenewalJournal, RenewalStep } from '../journal.js'
import type { Checkpoint, RenewEvent } from './events.js'

/** What a step hands the journal when it ends: public values a rerun needs, and short facts. */
export interface StepOutcome {
  patch?: JournalPatch
  detail?: JournalEntry['detail']
}

/**
 * What a failed step means for the whole renewal:
 * - `roll-back`: what this renewal added is of no use (the bank refused, the
 *   new key cannot sign): every step that began is undone, newest first, and
 *   the journal closed; `error` is what the user is told;
 * - `keep`: the journal stays and a rerun continues (the key pulled out, the
 *   network gone after the bank issued); told as RENEWAL_INTERRUPTED;
 * - `stop`: the journal stays, `error` is told as it is (a wrong PIN while
 *   resuming: the interrupted renewal still waits for the right one).
 */
export interface Failure {
  policy: 'roll-back' | 'keep' | 'stop'
  error: UkeyError
  /** Why the journal was closed (rolled back), when it differs from the error's code. */
  reason?: string
}

/** One journalled step of the renewal transaction (DESIGN.md), declared rather than written inline. */
export interface DeclaredStep<S> {
  readonly name: RenewalStep
  /** Whether the step changes the key: once one has begun, an interruption is exit 31 (journal kept), never 130. */
  readonly changesKey: boolean
  /**
   * The journal shows this step ended in an earlier run: restore its result into
   * the state and return true, or return false to run it again. May throw: a
   * result that no longer holds fails like the step itself.
   */
  resume(s: S): Promise<boolean>
  /** Before the begin record: what the journal must know before anything changes (e.g. the id a new key will get). */
  prepare?(s: S): Promise<JournalPatch>
  run(s: S, signal: AbortSignal): Promise<StepOutcome | void>
  failed(e: UkeyError, s: S): Failure
  /** Undoes what this step added to the key, when the whole renewal is rolled back. */
  rollback(s: S): Promise<void>
}

export interface RunnerOptions {
  journal: RenewalJournal
  signal: AbortSignal
  emit: (e: RenewEvent) => void
  checkpoint?: Checkpoint | undefined
}

/**
 * Drives the declared steps in order: a step the journal shows as ended is
 * resumed (skipped when its result still holds); any other is journalled begin →
 * run → end (or failed). An abort is honoured between steps and inside the steps
 * that wait (the bank's "waiting"); it keeps the journal once the key has been
 * changed (RENEWAL_INTERRUPTED, exit 31), and before that closes it untouched
 * (CANCELLED, exit 130: nothing was changed).
 */
export async function runSteps<S>(steps: ReadonlyArray<DeclaredStep<S>>, s: S, o: RunnerOptions): Promise<void> {
  const j = o.journal
  for (const step of steps) {
    let began = false
    try {
      if (j.completed(step.name) && (await step.resume(s))) continue
      if (o.signal.aborted) throw abortError(o.signal)
      const patch = step.prepare ? await step.prepare(s) : {}
      j.begin(step.name, undefined, patch)
      began = true
      o.emit({ type: 'step', step: step.name, phase: 'begin' })
      const t0 = performance.now()
      const out = (await step.run(s, o.signal)) ?? {}
      j.end(step.name, out.detail, out.patch ?? {})
      o.emit({ type: 'step', step: step.name, phase: 'end', ms: Math.round(performance.now() - t0) })
    } catch (e) {
      const err = asUkeyError(e)
      if (began) j.fail(step.name, err.code)
      throw await settle(steps, s, o, step, err)
    }
    o.checkpoint?.(step.name)
  }
}

/** The error to throw after `step` failed with `err`, having rolled back or kept the journal as the failure asks. */
async function settle<S>(steps: ReadonlyArray<DeclaredStep<S>>, s: S, o: RunnerOptions, step: DeclaredStep<S>, err: UkeyError): Promise<UkeyError> {
  const j = o.journal
  const keyChanged = steps.some((x) => x.changesKey && j.begun(x.name))
  if (o.signal.aborted || err.code === 'CANCELLED') {
    if (!keyChanged) {
      j.close('rolled-back', 'cancelled before the key was changed')
      return err.code === 'CANCELLED' ? err : new UkeyError('CANCELLED', { cause: err })
    }
    return new UkeyError('RENEWAL_INTERRUPTED', {
      key: 'error.RENEWAL_INTERRUPTED_SIGNAL',
      params: { step: step.name, reason: abortReason(o.signal), journal: j.file },
      // The abort itself (CANCELLED) is no cause to show: its words say "nothing was changed", and the key was.
      ...(err.code === 'CANCELLED' ? {} : { cause: err }),
    })
  }
  const f = step.failed(err, s)
  if (f.policy === 'stop') return f.error
  if (f.policy === 'keep') {
    return new UkeyError('RENEWAL_INTERRUPTED', { params: { step: step.name, reason: f.error.code, journal: j.file }, actions: ['action.renewLater'], cause: f.error })
  }
  try {
    for (const x of [...steps].reverse()) if (j.begun(x.name)) await x.rollback(s)
    const reason = f.reason ?? f.error.code
    j.close('rolled-back', reason)
    o.emit({ type: 'rollback', detail: reason })
  } catch {
    // Could not undo (the key pulled out meanwhile): the journal stays open, and a rerun finishes the roll-back or the renewal.
  }
  return f.error
}

function asUkeyError(e: unknown): UkeyError {
  return e instanceof UkeyError ? e : new UkeyError('INTERNAL', { params: { detail: String(e) }, cause: e })
}

function abortError(signal: AbortSignal): UkeyError {
  return new UkeyError('CANCELLED', { params: { reason: abortReason(signal) } })
}

/** The signal's name when the command layer aborted for one (SIGINT, SIGTERM, SIGHUP), else "aborted". */
function abortReason(signal: AbortSignal): string {
  return typeof signal.reason === 'string' ? signal.reason : 'aborted'
}

/** Waits `ms`, or less if the signal aborts first (then rejects): the bank's "waiting" never outlasts a Ctrl-C. */
export function sleepUnlessAborted(ms: number, signal: AbortSignal, sleep?: (ms: number) => Promise<void>): Promise<void> {
  if (signal.aborted) return Promise.reject(abortError(signal))
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      if (timer) clearTimeout(timer)
      reject(abortError(signal))
    }
    const done = (): void => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }
    let timer: NodeJS.Timeout | undefined
    signal.addEventListener('abort', onAbort, { once: true })
    if (sleep) sleep(ms).then(done, reject)
    else timer = setTimeout(done, ms)
  })
}

/** `p`, unless the signal aborts first: for waits the step cannot cancel itself (a PIN prompt), so an abort is not held up by them. */
export function unlessAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p
  if (signal.aborted) return Promise.reject(abortError(signal))
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal))
    signal.addEventListener('abort', onAbort, { once: true })
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}
