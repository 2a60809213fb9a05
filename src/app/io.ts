import type { Writable } from 'node:stream'
import type { Ui } from './ui.js'

/** The part of a spinner (ora's) the commands use. */
export interface Spinner {
  text: string
  start(): unknown
  stop(): unknown
  clear(): unknown
  succeed(text?: string): unknown
  fail(text?: string): unknown
}

/** What a person is asked at the terminal; the entry gives the real one (@inquirer), tests their own. */
export interface Prompt {
  /** A masked answer (a PIN, a password). */
  password(message: string): Promise<string>
  /** A yes/no question; an aborted `signal` (SIGTERM/SIGHUP while asking) ends it as CANCELLED. */
  confirm(message: string, initial: boolean, signal?: AbortSignal): Promise<boolean>
}

/**
 * Everything a command's use case needs from its surroundings (after GitHub
 * CLI's IOStreams): the streams, what they are (TTY, colour, may we prompt), the
 * environment as read, the clock, the prompt and the spinner. The oclif command
 * and the check-window fast path build the real one (src/commands/io.ts); a
 * test builds its own and calls `run(options, io)` in-process.
 */
export interface Io {
  /** Language, translator and terminal facts (TTYs, colour, whether a person can answer). */
  readonly ui: Ui
  /** Data. */
  readonly stdout: Writable
  /** Messages, progress and prompts. */
  readonly stderr: Writable
  /** A PIN, a password or a certificate piped in. */
  readonly stdin: NodeJS.ReadableStream
  /** The environment as read (UKEY_PIN, UKEY_P12_PASSWORD, UKEY_PROFILE): never written through this. */
  readonly env: Readonly<Record<string, string | undefined>>
  /**
   * Sets variables a native module reads when it initialises (a profile's
   * pkcs11.environment, e.g. the lab's SOFTHSM2_CONF). Only the entry changes the
   * process environment: this is its hand.
   */
  applyEnvironment(vars: Readonly<Record<string, string>>): void
  now(): Date
  readonly prompt: Prompt
  /** A spinner on stderr, or undefined where nothing may animate (not a terminal, or one without a width). */
  readonly spinner: ((text: string) => Promise<Spinner>) | undefined
}

/** Writes one line on stderr. */
export function say(io: Pick<Io, 'stderr'>, text: string): void {
  io.stderr.write(text + '\n')
}
