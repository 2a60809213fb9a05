import { readStdin } from '../hardware/soft-store/sources.js'

/**
 * The first line of standard input, for a secret piped in (`--pin-stdin`,
 * `--password-stdin`, `lab init --pin-stdin`): the one reader of them all, with
 * the same size limit as a certificate read from `-`.
 */
export async function firstLine(stream: NodeJS.ReadableStream): Promise<string> {
  return (await readStdin(stream)).toString('utf8').split(/\r?\n/)[0] ?? ''
}
