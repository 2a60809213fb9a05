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

/** The text octets stand for (tests, and anything that needs the string back). */
export function fromOctets(octets: string): string {
  return Buffer.from(octets, 'latin1').toString('utf8')
}
