/**
 * Text as its UTF-8 octets, one per character of a one-byte string (each char code a
 * byte, < 0x100), for the NDJSON / JSON records of a batch (issue 16). A record of a
 * Chinese certificate (O=中国工商银行, a Chinese CN) is otherwise a two-byte string:
 * twice the memory in every join, and Buffer#write encodes it to UTF-8 one character at
 * a time. As octets it is copied into the output as it is (latin1): 100,000 records
 * took 80 ms to write as UTF-8 and 23 ms as octets (bench/README.md, session 7). Text
 * that is all ASCII is its own octets. TextSink.writeOctets writes such a string.
 */
const NON_ASCII = /[^\u0000-\u007f]/
const SCRATCH = Buffer.allocUnsafe(4096)

export function utf8Octets(text: string): string {
  if (!NON_ASCII.test(text)) return text
  // A UTF-16 code unit takes at most 3 bytes in UTF-8.
  if (text.length * 3 > SCRATCH.length) return Buffer.from(text, 'utf8').toString('latin1')
  return SCRATCH.toString('latin1', 0, SCRATCH.write(text, 0, 'utf8'))
}

/**
 * True when JSON.stringify writes `text` as it is, between quotes, and its UTF-8 is
 * itself: ASCII from U+0020 on, without '"' and '\\'. A character loop: the paths and
 * dates of a batch's records are such text (issue 16).
 */
export function plainJson(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x20 || c > 0x7f || c === 0x22 || c === 0x5c) return false
  }
  return true
}

/**
 * JSON.stringify(text) as UTF-8 octets. Plain text (plainJson) is quoted as it is:
 * a 55-character path 0.13 µs instead of 0.25 (JSON.stringify and utf8Octets'
 * regular expression), once per record of a batch.
 */
export function jsonOctets(text: string): string {
  return plainJson(text) ? '"' + text + '"' : utf8Octets(JSON.stringify(text))
}

/** The text octets stand for (tests, and anything that needs the string back). */
export function fromOctets(octets: string): string {
  return Buffer.from(octets, 'latin1').toString('utf8')
}
