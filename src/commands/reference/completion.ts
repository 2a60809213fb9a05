import { argumentValues, type CommandShape, type FlagShape } from './shape.js'

/**
 * Shell completion scripts, generated from the command classes' flags (one
 * source with the help): commands, each command's flags, and values where they
 * are known (the options of a flag: output formats, languages; the codes
 * `ukey diagnose` walks). Static scripts — completing never runs ukey, so a
 * TAB costs nothing and needs no cache (issue 15; the oclif autocomplete plugin
 * runs the CLI and keeps a cache, and adds to every start-up).
 */
export const SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const
export type Shell = (typeof SHELLS)[number]

interface Entry {
  /** The command words: `lab init`. */
  words: string
  flags: FlagShape[]
  values: string[]
}

function entries(commands: readonly CommandShape[]): Entry[] {
  return commands
    .filter((c) => !c.hidden)
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((c) => ({
      words: c.id.replace(/:/g, ' '),
      // By name: oclif's run-time metadata and the build's command classes list flags in different orders, the script is the same.
      flags: Object.values(c.flags).filter((f) => !f.hidden).sort((a, b) => a.name.localeCompare(b.name)),
      values: argumentValues(c.id),
    }))
}

const longs = (f: FlagShape): string[] => [`--${f.name}`, ...(f.allowNo ? [`--no-${f.name}`] : [])]
const flagWords = (e: Entry): string[] => e.flags.flatMap((f) => [...longs(f), ...(f.char ? [`-${f.char}`] : [])])
/** Single-quoted for every shell here ('' inside PowerShell's, '\'' in POSIX shells): no word of ukey's has a quote. */
const q = (s: string): string => `'${s}'`

export function completionScript(shell: Shell, commands: readonly CommandShape[]): string {
  const list = entries(commands)
  switch (shell) {
    case 'bash':
      return bash(list)
    case 'zsh':
      return zsh(list)
    case 'fish':
      return fish(list)
    case 'powershell':
      return powershell(list)
  }
}

function bash(list: Entry[]): string {
  const topWords = [...new Set(list.map((e) => e.words.split(' ')[0]!))]
  const cases = list.map((e) => {
    const opts = e.flags.filter((f) => f.options?.length)
    const valueCases = opts.map((f) => `        ${[...longs(f), ...(f.char ? [`-${f.char}`] : [])].join('|')}) COMPREPLY=($(compgen -W ${q(f.options!.join(' '))} -- "$cur")); return ;;`)
    return [
      `    ${q(e.words)})`,
      `      case "$prev" in`,
      ...valueCases,
      `      esac`,
      `      COMPREPLY=($(compgen -W ${q([...flagWords(e), ...e.values].join(' '))} -- "$cur")); return ;;`,
    ].join('\n')
  })
  const subcommands = topWords
    .filter((w) => list.some((e) => e.words.startsWith(`${w} `)))
    .map((w) => `    ${q(w)}) COMPREPLY=($(compgen -W ${q(list.filter((e) => e.words.startsWith(`${w} `)).map((e) => e.words.split(' ')[1]).join(' '))} -- "$cur")); return ;;`)
  return `# bash completion for ukey (generated from ukey's command definitions: \`ukey completion bash\`)
_ukey() {
  local cur prev cmd
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W ${q(topWords.join(' '))} -- "$cur")); return
  fi
  cmd="\${COMP_WORDS[1]}"
  if [ "$COMP_CWORD" -ge 3 ] || [[ "$cur" == -* ]]; then
    case "\${COMP_WORDS[1]} \${COMP_WORDS[2]}" in
${list.filter((e) => e.words.includes(' ')).map((e) => `      ${q(e.words)}) cmd=${q(e.words)} ;;`).join('\n')}
    esac
  elif [ "$COMP_CWORD" -eq 2 ]; then
    case "$cmd" in
${subcommands.join('\n')}
    esac
  fi
  case "$cmd" in
${cases.join('\n')}
  esac
}
complete -o default -F _ukey ukey
`
}

function zsh(list: Entry[]): string {
  const topWords = [...new Set(list.map((e) => e.words.split(' ')[0]!))]
  const cases = list.map((e) => {
    const specs = e.flags.flatMap((f) => longs(f).map((l) => `'${l}${f.type === 'option' ? `=:value:${f.options?.length ? `(${f.options.join(' ')})` : '_files'}` : ''}'`))
    const chars = e.flags.filter((f) => f.char).map((f) => `'-${f.char}${f.type === 'option' ? `+:value:${f.options?.length ? `(${f.options.join(' ')})` : '_files'}` : ''}'`)
    const rest = e.values.length ? `'*:code:(${e.values.join(' ')})'` : `'*:file:_files'`
    return `    ${q(e.words)}) _arguments -s ${[...specs, ...chars, rest].join(' ')} ;;`
  })
  return `#compdef ukey
# zsh completion for ukey (generated from ukey's command definitions: \`ukey completion zsh\`)
_ukey() {
  local cmd
  if (( CURRENT == 2 )); then
    compadd -- ${topWords.map(q).join(' ')}
    return
  fi
  cmd="\${words[2]}"
  case "\${words[2]} \${words[3]}" in
${list.filter((e) => e.words.includes(' ')).map((e) => `    ${q(e.words)}) cmd=${q(e.words)}; shift words; (( CURRENT-- )) ;;`).join('\n')}
  esac
  if [[ "$cmd" != *' '* ]] && (( CURRENT == 3 )); then
    case "$cmd" in
${topWords.filter((w) => list.some((e) => e.words.startsWith(`${w} `))).map((w) => `      ${q(w)}) compadd -- ${list.filter((e) => e.words.startsWith(`${w} `)).map((e) => q(e.words.split(' ')[1]!)).join(' ')}; return ;;`).join('\n')}
    esac
  fi
  shift words; (( CURRENT-- ))
  case "$cmd" in
${cases.join('\n')}
  esac
}
if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then _ukey "$@"; else compdef _ukey ukey; fi
`
}

function fish(list: Entry[]): string {
  const topWords = [...new Set(list.map((e) => e.words.split(' ')[0]!))]
  const lines = [
    `# fish completion for ukey (generated from ukey's command definitions: \`ukey completion fish\`)`,
    `complete -c ukey -f`,
    `complete -c ukey -n __fish_use_subcommand -a ${q(topWords.join(' '))}`,
  ]
  for (const e of list) {
    const [first, second] = e.words.split(' ')
    const cond = second ? `__fish_seen_subcommand_from ${first}; and __fish_seen_subcommand_from ${second}` : `__fish_seen_subcommand_from ${first}`
    if (second) lines.push(`complete -c ukey -n ${q(`__fish_seen_subcommand_from ${first}; and not __fish_seen_subcommand_from ${second}`)} -a ${q(second)}`)
    for (const f of e.flags) {
      const values = f.options?.length ? ` -x -a ${q(f.options.join(' '))}` : f.type === 'option' ? ' -r -F' : ''
      lines.push(`complete -c ukey -n ${q(cond)} -l ${f.name}${f.char ? ` -s ${f.char}` : ''}${values}`)
      if (f.allowNo) lines.push(`complete -c ukey -n ${q(cond)} -l no-${f.name}`)
    }
    if (e.values.length) lines.push(`complete -c ukey -n ${q(cond)} -a ${q(e.values.join(' '))}`)
    else lines.push(`complete -c ukey -n ${q(cond)} -F`)
  }
  return lines.join('\n') + '\n'
}

function powershell(list: Entry[]): string {
  const table = list.map((e) => {
    const values = e.flags.filter((f) => f.options?.length).flatMap((f) => [...longs(f), ...(f.char ? [`-${f.char}`] : [])].map((w) => `'${w}' = @(${f.options!.map(q).join(', ')})`))
    return `  ${q(e.words)} = @{ Flags = @(${flagWords(e).map(q).join(', ')}); Args = @(${e.values.map(q).join(', ')}); Values = @{ ${values.join('; ')} } }`
  })
  return `# PowerShell completion for ukey (generated from ukey's command definitions: \`ukey completion powershell\`)
# Load it from your profile: ukey completion powershell | Out-String | Invoke-Expression
$ukeyCommands = @{
${table.join('\n')}
}
Register-ArgumentCompleter -Native -CommandName ukey -ScriptBlock {
  param($wordToComplete, $commandAst, $cursorPosition)
  $words = @($commandAst.CommandElements | Select-Object -Skip 1 | ForEach-Object { $_.ToString() })
  if ($wordToComplete -ne '' -and $words.Count -gt 0) { $words = @($words | Select-Object -First ($words.Count - 1)) }
  $candidates = @()
  if ($words.Count -eq 0) {
    $candidates = @($ukeyCommands.Keys | ForEach-Object { ($_ -split ' ')[0] } | Sort-Object -Unique)
  } else {
    $cmd = $words[0]
    if ($words.Count -ge 2 -and $ukeyCommands.ContainsKey("$($words[0]) $($words[1])")) { $cmd = "$($words[0]) $($words[1])" }
    if ($ukeyCommands.ContainsKey($cmd)) {
      $entry = $ukeyCommands[$cmd]
      $prev = $words[-1]
      if ($entry.Values.ContainsKey($prev)) { $candidates = $entry.Values[$prev] }
      else { $candidates = $entry.Flags + $entry.Args }
    } elseif ($words.Count -eq 1) {
      $candidates = @($ukeyCommands.Keys | Where-Object { $_ -like "$cmd *" } | ForEach-Object { ($_ -split ' ')[1] })
    }
  }
  $candidates | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
    [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
  }
}
`
}
