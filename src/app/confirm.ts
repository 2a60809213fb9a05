import type { Translate } from '../i18n/index.js'

// A yes/no question in the user's language. @inquirer/prompts' confirm shows
// "(Y/n)", answers "Yes"/"No" and reads only y/n: a technician typing 否 would
// get the default. This prompt, made with @inquirer/core (the library those
// prompts are built on, a direct dependency for this), shows the catalogue's
// hint and answer words, reads 是/否 as well as y/n, and asks again on anything else.

// 是 是的 对 好 / 否 不 不是 不要, escaped: one non-ASCII character in a bundle makes V8 hold
// all of its source as two-byte text (esbuild escapes strings, not regular expressions).
const YES = /^(y|yes|\u662f|\u662f\u7684|\u5bf9|\u597d)$/i
const NO = /^(n|no|\u5426|\u4e0d|\u4e0d\u662f|\u4e0d\u8981)$/i

/** The answer a typed line means: true, false, the default for an empty line, undefined when unclear. */
export function readAnswer(line: string, defaultAnswer: boolean): boolean | undefined {
  const v = line.trim()
  if (v === '') return defaultAnswer
  if (YES.test(v)) return true
  if (NO.test(v)) return false
  return undefined
}

/** Asks on the terminal (stderr); Ctrl-C is the person saying no to the whole run (withTerminal). */
/**
 * Asks on `output` (stderr) in the user's language; the caller holds the terminal (withTerminal).
 * An aborted `signal` (SIGTERM/SIGHUP while asking) rejects with inquirer's AbortPromptError.
 */
export async function askYesNo(t: Translate, message: string, defaultAnswer: boolean, output: NodeJS.WritableStream, signal?: AbortSignal): Promise<boolean> {
  const prompt = await yesNoPrompt()
  return prompt({ message, default: defaultAnswer, t }, { output, ...(signal ? { signal } : {}) })
}

interface YesNoConfig {
  message: string
  default: boolean
  t: Translate
}

let made: ((config: YesNoConfig, context: { output: NodeJS.WritableStream }) => Promise<boolean>) | undefined

async function yesNoPrompt(): Promise<NonNullable<typeof made>> {
  if (made) return made
  const { createPrompt, isEnterKey, makeTheme, useKeypress, usePrefix, useState } = await import('@inquirer/core')
  made = createPrompt<boolean, YesNoConfig>((config, done) => {
    const { t } = config
    const [status, setStatus] = useState<'idle' | 'done'>('idle')
    const [value, setValue] = useState('')
    const [unclear, setUnclear] = useState(false)
    // A neutral mark once answered: ✔/✖ belong to the step's line, where they say good or bad, not yes or no.
    const theme = makeTheme({ prefix: { idle: '?', done: '·' } })
    const prefix = usePrefix({ status, theme })
    useKeypress((key, rl) => {
      if (status !== 'idle') return
      if (isEnterKey(key)) {
        const answer = readAnswer(rl.line || value, config.default)
        if (answer === undefined) {
          setUnclear(true)
          rl.clearLine(0)
          setValue('')
          return
        }
        setValue(t(answer ? 'prompt.yes' : 'prompt.no'))
        setStatus('done')
        done(answer)
      } else {
        setUnclear(false)
        setValue(rl.line)
      }
    })
    const message = theme.style.message(config.message, status)
    if (status === 'done') return `${prefix} ${message} ${theme.style.answer(value)}`
    const hint = theme.style.defaultAnswer(t(config.default ? 'prompt.hintYes' : 'prompt.hintNo'))
    const line = `${prefix} ${message} ${hint} ${value}`
    return unclear ? [line, theme.style.error(t('prompt.invalid'))] : line
  }) as NonNullable<typeof made>
  return made
}
