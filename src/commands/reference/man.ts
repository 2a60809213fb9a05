import { helpCatalogue, helpTranslator } from '../../i18n/help.js'
import type { Lang } from '../../i18n/index.js'
import { exitCodeText } from '../../output/exit-code-table.js'
import type { CommandShape, FlagShape } from './shape.js'

/**
 * Man pages (roff, man(7) macros) from the help catalogues (src/i18n/help.*.ts):
 * the same texts `--help` shows, so the two never disagree. One page per
 * command (ukey-renew.1) and ukey.1 listing them; written at build time
 * (scripts/build.mjs) into dist/man/, which package.json "man" installs.
 */
export interface ManPage {
  file: string
  text: string
}

/** Backslashes, and a leading dot or quote, would be roff requests. */
function esc(s: string): string {
  return s
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .split('\n')
    .map((l) => (/^[.']/.test(l) ? `\\&${l}` : l))
    .join('\n')
}

const pageName = (id: string): string => `ukey-${id.replace(/:/g, '-')}`

export function manPages(commands: readonly CommandShape[], o: { version: string; lang: Lang; date: string }): ManPage[] {
  const cat = helpCatalogue(o.lang) as Record<string, string>
  const t = helpTranslator(o.lang)
  const text = (key: string): string | undefined => cat[key]
  const visible = commands.filter((c) => !c.hidden).sort((a, b) => a.id.localeCompare(b.id))
  const header = (name: string, summary: string): string[] => [
    `.TH ${name.toUpperCase()} 1 "${o.date}" "ukey ${o.version}" "ukey"`,
    '.SH NAME',
    `${esc(name)} \\- ${esc(summary)}`,
  ]
  const section = (title: string, body: string[]): string[] => (body.length ? [`.SH ${esc(title)}`, ...body] : [])
  const paragraphs = (s: string | undefined): string[] => (s ? s.split('\n').flatMap((l, i) => (i ? ['.PP', esc(l)] : [esc(l)])) : [])
  const examples = (s: string | undefined): string[] => (s ? ['.nf', ...s.split('\n').map((l) => esc(`$ ${l}`)), '.fi'] : [])
  const see = (names: string[]): string[] => section('SEE ALSO', [names.map((n) => `.BR ${n} (1)`).join(',\n')])

  const pages = visible.map((c): ManPage => {
    const flags = Object.values(c.flags).filter((f) => !f.hidden)
    const args = Object.values(c.args).map((a) => text(`help.argName.${a.name}`) ?? a.name.toUpperCase())
    return {
      file: `${pageName(c.id)}.1`,
      text: [
        ...header(pageName(c.id), text(`help.${c.id}.summary`) ?? ''),
        ...section(t('help.usage'), [`.B ukey ${esc(c.id.replace(/:/g, ' '))}`, ...args.map((a) => `[\\fI${esc(a)}\\fR]`), flags.length ? `[\\fI${esc(t('help.flagsWord'))}\\fR]` : ''].filter(Boolean)),
        ...section(t('help.descriptionHeading'), paragraphs(c.id === 'exit-codes' ? exitCodeText(t) : text(`help.${c.id}.description`))),
        ...section(t('help.arguments'), Object.values(c.args).flatMap((a) => ['.TP', `.I ${esc(text(`help.argName.${a.name}`) ?? a.name)}`, esc(text(`help.${c.id}.arg.${a.name}`) ?? '')])),
        ...section(t('help.flags'), flags.flatMap((f) => ['.TP', flagLine(f, t('help.value')), esc(flagText(text, c.id, f))])),
        ...section(t('help.examplesHeading'), examples(text(`help.${c.id}.examples`))),
        ...see(['ukey']),
      ].join('\n') + '\n',
    }
  })
  const root: ManPage = {
    file: 'ukey.1',
    text: [
      ...header('ukey', t('help.root.title', { version: o.version })),
      ...section(t('help.usage'), [`.B ukey\n\\fI${esc(t('help.command'))}\\fR [\\fI${esc(t('help.flagsWord'))}\\fR]`]),
      ...section(t('help.commands'), visible.flatMap((c) => ['.TP', `.B ${esc(c.id.replace(/:/g, ' '))}`, esc(text(`help.${c.id}.summary`) ?? '')])),
      ...section('EXIT STATUS', ['.nf', esc(exitCodeText(t)), '.fi']),
      ...see(visible.map((c) => pageName(c.id))),
    ].join('\n') + '\n',
  }
  return [root, ...pages]
}

function flagLine(f: FlagShape, valueWord: string): string {
  const long = `\\fB\\-\\-${f.allowNo ? '[no\\-]' : ''}${esc(f.name)}\\fR${f.type === 'option' ? `=\\fI${esc(valueWord)}\\fR` : ''}`
  return f.char ? `\\fB\\-${f.char}\\fR, ${long}` : long
}

function flagText(text: (key: string) => string | undefined, id: string, f: FlagShape): string {
  const base = text(`help.${id}.flag.${f.name}`) ?? text(`help.flag.${f.name}`) ?? ''
  return f.options?.length ? `${base} (${f.options.join('|')})` : base
}
