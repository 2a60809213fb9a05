/**
 * True when a PEM body is laid out as PEM writers lay it out (RFC 7468: lines of 64,
 * or MIME's 76, characters, LF or CRLF, padding at the end of the last line) and
 * `decodedLength`, what Node's decoder made of `text`, proves every other character is
 * in the alphabet: Node's decoder skips a character outside it (space, '!', 'é') and
 * stops at '=', so one such character anywhere leaves fewer octets than the layout
 * promises; '-' and '_' (base64url, which Node also decodes) are looked for. Then
 * pem.ts's character-by-character check would count exactly these characters with no
 * error, so it need not run: ~0.05 µs per certificate against ~0.9 µs (issue 16).
 *
 * Self-contained (nothing from outside the function, no imports): the reading thread
 * of file-reader.ts runs this same function from its source text, so a file it decodes
 * is decoded exactly as pem.ts decodes it on the main thread.
 */
export function wellFormedBase64(buf: Uint8Array, start: number, end: number, text: string, decodedLength: number): boolean {
  const nl = buf[start] === 0x0a ? 1 : buf[start] === 0x0d && buf[start + 1] === 0x0a ? 2 : 0
  if (nl === 0) return false
  // The line break's last octet (LF) and, for CRLF, the one before it: written out at
  // each use, as a helper function here would be a closure made on every call.
  const cr = nl === 2 ? 0x0d : 0x0a
  let i = start + nl
  const width = end - i > 64 + nl && !(buf[i + 64] === cr && buf[i + 63 + nl] === 0x0a) ? 76 : 64
  let chars = 0
  while (end - i > width + nl) {
    if (!(buf[i + width] === cr && buf[i + width + nl - 1] === 0x0a)) return false
    chars += width
    i += width + nl
  }
  const last = end - nl - i
  if (last < 1 || !(buf[end - nl] === cr && buf[end - 1] === 0x0a)) return false
  chars += last
  let pad = 0
  if (buf[end - nl - 1] === 0x3d) pad = last >= 2 && buf[end - nl - 2] === 0x3d ? 2 : 1
  return chars % 4 === 0 && decodedLength === ((chars - pad) * 3) >>> 2 && text.indexOf('-') < 0 && text.indexOf('_') < 0
}
