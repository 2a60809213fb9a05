// Build time only (scripts/build.mjs): writes the man pages and the completion
// scripts into dist/ from the command classes and the help catalogues.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { COMMANDS } from '../index.js'
import { completionScript, SHELLS } from './completion.js'
import { manPages } from './man.js'
import { shapesOf } from './shape.js'

const FILE_OF = { bash: 'ukey.bash', zsh: '_ukey', fish: 'ukey.fish', powershell: 'ukey.ps1' } as const

export function writeReference(dist: string, version: string, date: string): string[] {
  const shapes = shapesOf(COMMANDS as never)
  const written: string[] = []
  for (const [lang, dir] of [['en', 'man'], ['zh-CN', 'man/zh_CN']] as const) {
    mkdirSync(join(dist, dir), { recursive: true })
    for (const p of manPages(shapes, { version, lang, date })) {
      writeFileSync(join(dist, dir, p.file), p.text)
      written.push(join(dir, p.file))
    }
  }
  mkdirSync(join(dist, 'completion'), { recursive: true })
  for (const shell of SHELLS) {
    writeFileSync(join(dist, 'completion', FILE_OF[shell]), completionScript(shell, shapes))
    written.push(join('completion', FILE_OF[shell]))
  }
  return written
}
