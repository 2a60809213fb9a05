// ukey's help, in the user's language. oclif's own Help is English-only: this
// class takes its place (package.json oclif.helpClass) and renders every text
// from the catalogues (src/i18n/help.*.ts), looked up by command id and flag
// name; oclif's command metadata gives only the shape (flags, chars, options,
// defaults, groups). Built as its own entry (dist/help.js) and loaded by oclif
// only when help is asked for; it does not import @oclif/core.
import { UkeyError } from '../errors.js'
import { helpCatalogue, helpTranslator, type HelpTranslate } from '../i18n/help.js'
import { resolveLang, type Lang } from '../i18n/index.js'
import { rawFlag } from '../app/ui.js'
import { exitCodeText } from '../output/exit-code-table.js'
import { pad } from '../output/table.js'
import { displayWidth } from '../output/width.js'

/** The parts of oclif's Config and Command.Loadable this renderer reads. */
interface HelpFlag {
  name: string
  char?: string
  type: 'boolean' | 'option'
  options?: readonly string[]
  default?: unknown
  helpGroup?: string
  hidden?: boolean
  allowNo?: boolean
}
interface HelpCommand {
  id: string
  hidden?: boolean
  flags: Record<string, HelpFlag>
  args: Record<string, { name: string; required?: boolean }>
}
interface HelpConfig {
  bin: string
  version: string
  commands: HelpCommand[]
  findCommand(id: string): HelpCommand | undefined
}

/** Words on the help command line that are not the subject (`ukey renew --lang en --help`). */
const VALUE_FLAGS = new Set(['--lang', '--profile'])

export default class UkeyHelp {
  private readonly t: HelpTranslate
  private readonly text: (key: string) => string | undefined

  constructor(
    private readonly config: HelpConfig,
    _options?: unknown,
    lang: Lang = resolveLang(rawFlag(process.argv.slice(2), 'lang')),
  ) {
    this.t = helpTranslator(lang)
    const cat = helpCatalogue(lang) as Record<string, string>
    this.text = (key) => cat[key]
  }

  async showHelp(argv: string[]): Promise<void> {
    process.stdout.write(this.render(argv))
  }

  async showCommandHelp(command: HelpCommand): Promise<void> {
    process.stdout.write(this.commandHelp(command))
  }

  /** Help for what `argv` names (a command, a topic, or nothing: the root). */
  render(argv: readonly string[]): string {
    const words: string[] = []
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!
      if (a === '--') break
      if (VALUE_FLAGS.has(a)) i++
      else if (!a.startsWith('-')) words.push(a)
    }
    if (words[0] === 'help') words.shift()
    // `ukey lab init --help`, `ukey help lab init`, `ukey lab:init --help`: the longest command id the words start with.
    const parts = words.flatMap((w) => w.split(':'))
    for (let n = parts.length; n > 0; n--) {
      const id = parts.slice(0, n).join(':')
      const cmd = this.config.findCommand(id)
      if (cmd) return this.commandHelp(cmd)
      if (n === 1 && this.topics().includes(id)) return this.topicHelp(id)
    }
    if (parts.length) throw new UkeyError('USAGE', { key: 'help.unknown', params: { subject: words.join(' ') }, actions: ['action.help'] })
    return this.rootHelp()
  }

  private rootHelp(): string {
    const t = this.t
    const commands = this.visible()
    const rows = commands.map((c) => [c.id.replace(/:/g, ' '), this.text(`help.${c.id}.summary`) ?? ''] as const)
    return [
      t('help.root.title', { version: this.config.version }),
      '',
      t('help.usage'),
      `  $ ${this.config.bin} <${t('help.command')}> [${t('help.flagsWord')}]`,
      '',
      t('help.commands'),
      ...table(rows),
      '',
      t('help.topics'),
      ...table([...this.topics().map((tp) => [tp, this.text(`help.topic.${tp}`) ?? ''] as const), ['exit-codes', t('help.topic.exit-codes')]]),
      '',
      t('help.root.more'),
    ].join('\n') + '\n'
  }

  private topicHelp(topic: string): string {
    const t = this.t
    const rows = this.visible()
      .filter((c) => c.id.startsWith(`${topic}:`))
      .map((c) => [c.id.replace(/:/g, ' '), this.text(`help.${c.id}.summary`) ?? ''] as const)
    return [this.text(`help.topic.${topic}`) ?? topic, '', t('help.usage'), `  $ ${this.config.bin} ${topic} <${t('help.command')}>`, '', t('help.commands'), ...table(rows)].join('\n') + '\n'
  }

  private commandHelp(cmd: HelpCommand): string {
    const t = this.t
    const id = cmd.id
    const name = `${this.config.bin} ${id.replace(/:/g, ' ')}`
    const out: string[] = [this.text(`help.${id}.summary`) ?? '', '']

    const args = Object.values(cmd.args)
    const argWord = (a: { name: string; required?: boolean }): string => {
      const word = this.text(`help.argName.${a.name}`) ?? a.name.toUpperCase()
      return a.required ? word : `[${word}]`
    }
    const flags = Object.entries(cmd.flags).filter(([, f]) => !f.hidden)
    out.push(t('help.usage'), `  $ ${[name, ...args.map(argWord), flags.length ? `[${t('help.flagsWord')}]` : ''].filter(Boolean).join(' ')}`, '')

    if (args.length) {
      out.push(t('help.arguments'), ...table(args.map((a) => [this.text(`help.argName.${a.name}`) ?? a.name.toUpperCase(), this.text(`help.${id}.arg.${a.name}`) ?? ''] as const)), '')
    }

    // Groups in a fixed order: the command's own flags, the USB key's, the global ones.
    const groups = new Map<string, Array<readonly [string, string]>>()
    for (const [flagName, f] of flags) {
      const group = f.helpGroup ?? ''
      if (!groups.has(group)) groups.set(group, [])
      groups.get(group)!.push([this.flagWord(flagName, f), this.flagText(id, flagName, f)])
    }
    for (const group of ['', ...[...groups.keys()].filter((g) => g !== '' && g !== 'GLOBAL'), 'GLOBAL']) {
      const rows = groups.get(group)
      if (!rows) continue
      out.push(group ? (this.text(`help.flags.${group}`) ?? group) : t('help.flags'), ...table(rows), '')
    }

    const description = id === 'exit-codes' ? exitCodeText(t) : this.text(`help.${id}.description`)
    if (description) out.push(t('help.descriptionHeading'), ...description.split('\n').map((l) => `  ${l}`), '')

    const examples = this.text(`help.${id}.examples`)
    if (examples) out.push(t('help.examplesHeading'), ...examples.split('\n').map((l) => `  $ ${l}`), '')
    return out.join('\n')
  }

  /** `-o, --output=<value>` */
  private flagWord(name: string, f: HelpFlag): string {
    const long = f.type === 'boolean' ? `--${f.allowNo ? '[no-]' : ''}${name}` : `--${name}=<${this.t('help.value')}>`
    return f.char ? `-${f.char}, ${long}` : `    ${long}`
  }

  private flagText(id: string, name: string, f: HelpFlag): string {
    const t = this.t
    const base = this.text(`help.${id}.flag.${name}`) ?? this.text(`help.flag.${name}`) ?? ''
    const extra: string[] = []
    if (f.options?.length) extra.push(t('help.options', { options: f.options.join('|') }))
    if (f.type === 'option' && f.default !== undefined && typeof f.default !== 'function') extra.push(t('help.default', { value: String(f.default) }))
    return extra.length ? `${base}${t('help.aside', { text: extra.join(t('help.separator')) })}` : base
  }

  /** Topics are the first words of command ids with subcommands (`lab`). */
  private topics(): string[] {
    return [...new Set(this.visible().filter((c) => c.id.includes(':')).map((c) => c.id.split(':')[0]!))]
  }

  private visible(): HelpCommand[] {
    return this.config.commands.filter((c) => !c.hidden).sort((a, b) => a.id.localeCompare(b.id))
  }
}

/** Two columns, the first padded to its widest cell (Chinese counts double). */
function table(rows: ReadonlyArray<readonly [string, string]>): string[] {
  const w = Math.max(0, ...rows.map(([k]) => displayWidth(k)))
  return rows.map(([k, v]) => (v ? `  ${pad(k, w)}  ${v}` : `  ${k}`))
}

