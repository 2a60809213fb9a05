// What counts as an English word on a Chinese screen (docs/glossary.md): shared by the
// catalogue scan (test/unit/catalogue-words.test.ts) and the screens the CLI prints.

/**
 * Latin words allowed on a zh screen: names a technician reads as names (docs/glossary.md,
 * "Names that stay names"). A word joins this list only with a reason.
 */
export const NAMES = new Set([
  // the tool, the key's interfaces, the bank's own codes and protocols
  'ukey', 'PIN', 'USB', 'CA', 'HTTP', 'IE', 'Windows', 'Linux', 'UTC', 'Ctrl-C',
  // certificate and key formats and algorithms, as the management tool shows them
  'PEM', 'DER', 'PKCS#7', 'PKCS#11', 'PKCS#12', 'RSA', 'EC', 'SM2', 'SHA-256', 'SHA-1',
  // the formats and standards a script author picks (help only)
  'JSON', 'ISO', 'IANA', 'CMP', 'RFC', 'TCP', 'HID',
  // software a technician installs or is told about by name
  'SoftHSM2', 'Debian', 'softhsm2', 'libudev1', 'libusb-1.0-0', 'p11-kit', 'README',
  // the lab's certificate subjects say "(lab)" and "not a bank" (certificate subjects are names)
  'lab', 'not', 'a', 'bank',
  // the URL parts of a bank profile ("renewal": {"url", "caCerts"}), a certificate's CN
  'renewal', 'url', 'caCerts', 'CN',
  // what a person types: the answer keys of a yes/no question, a language code
  'y', 'n', 'zh-CN', 'LANG',
])

/** What is not prose: placeholders, `command lines`, --flags, ENV_VARS, paths and files, example command lines. */
export function prose(key: string, text: string): string {
  if (key.endsWith('.examples')) text = text.split('\n').map((l) => l.replace(/^[^#]*#?/, '')).join('\n')
  return text
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/`[^`]*`/g, ' ')
    .replace(/\bukey(?: [a-z][\w-]*)*/g, ' ')
    .replace(/\d{4}-\d\d-\d\dT[\d:]+Z|\+\d+d\b|https?(\(s\))?|\b[a-z]+\.[a-z]+[A-Z]\w*/g, ' ')
    .replace(/(^|[\s（(“，、：；。])--?[\w-]+(=\S*)?/g, '$1 ')
    .replace(/\b[A-Z][A-Z0-9]*(_[A-Z0-9]+)+\b/g, ' ')
    .replace(/\S*[/\\]\S*/g, ' ')
    .replace(/(^|\s|、)\.\w+/g, ' ')
    .replace(/\b\w+\.(pem|json|so|p7b|p7c|pfx|p12)\b/g, ' ')
}

export function latinWords(text: string): string[] {
  return text.match(/[A-Za-z][A-Za-z0-9]*(?:[#.+-][A-Za-z0-9]+)*/g) ?? []
}

/** A word written twice in a row: "the the", 的的, 换证换证. */
export function doubledWord(text: string): string | undefined {
  return (/\b([A-Za-z]+)\s+\1\b/i.exec(text) ?? /([\u4e00-\u9fff]{2,4})\1|(的|了|在|和|与|或|将|是|请)\2/.exec(text))?.[0]
}

/** The Latin words on a zh screen that are not names (command lines, flags, paths and placeholders excluded). */
export function strayWords(screen: string, typed: readonly string[] = []): string[] {
  return [...new Set(latinWords(prose('screen', screen)).filter((w) => !NAMES.has(w) && !typed.includes(w)))]
}
