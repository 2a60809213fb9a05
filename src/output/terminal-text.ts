// Text that a certificate or a file name brings (a subject, an issuer, a SAN, a
// path) is someone else's text. Written raw to a terminal, ESC / CSI / OSC
// sequences in it clear the screen, retitle the window or forge output
// (`cp good.pem $'\e[2J\e]0;pwn\a.pem'`), a newline splits a table row, and a
// bidi override (U+202E) shows "exe.pem" for "mep.exe". For people (tables,
// cards, error lines) every such character is shown as an escape a person can
// read; JSON, NDJSON and CSV keep the exact value (their encoders quote it).

// C0 controls, DEL, C1 controls (U+0080–U+009F: 8-bit CSI U+009B and OSC U+009D
// among them), the bidi marks, embeddings, overrides and isolates (U+061C,
// U+200E–U+200F, U+202A–U+202E, U+2066–U+2069), and the Unicode line and
// paragraph separators, which some terminals break lines at.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g
const UNSAFE_ONE = new RegExp(UNSAFE.source)

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

function visible(ch: string): string {
  const named = NAMED[ch]
  if (named) return named
  const cp = ch.charCodeAt(0)
  return cp <= 0xff ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`
}

/** `text` safe to write to a terminal: control, escape and bidi characters shown as `\x1b`, `\n`, `\u202e`. */
export function terminalText(text: string): string {
  // The common case (nothing to show) costs one scan and no new string.
  return UNSAFE_ONE.test(text) ? text.replace(UNSAFE, visible) : text
}

/** As terminalText, keeping the line breaks of a text ukey composed itself (a list under a usage error). */
export function terminalLines(text: string): string {
  return text.includes('\n') ? text.split('\n').map(terminalText).join('\n') : terminalText(text)
}

/** A message's parameters made safe for a terminal (the strings among them); `lines` keeps line breaks. */
export function terminalParams<T extends Record<string, string | number>>(params: T, lines = false): T {
  let out: Record<string, string | number> | undefined
  for (const [k, v] of Object.entries(params)) {
    if (typeof v !== 'string') continue
    const safe = lines ? terminalLines(v) : terminalText(v)
    if (safe !== v) (out ??= { ...params })[k] = safe
  }
  return (out as T | undefined) ?? params
}
