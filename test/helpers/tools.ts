import { readFileSync } from 'node:fs'
import { accessSync, constants } from 'node:fs'
import { delimiter, isAbsolute, join } from 'node:path'

/** One row of scripts/tools.sh: an external tool and the Debian package that brings it. */
export interface ExternalTool {
  tool: string
  pkg: string
  group: string
}

/** The project's one list of external tools (scripts/tools.sh), read as the setup script reads it. */
export function externalTools(root = join(import.meta.dirname, '..', '..')): ExternalTool[] {
  const text = readFileSync(join(root, 'scripts', 'tools.sh'), 'utf8')
  const body = text.slice(text.indexOf("<<'TOOLS'\n") + "<<'TOOLS'\n".length, text.lastIndexOf('\nTOOLS'))
  return body
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length >= 3)
    .map(([tool, pkg, group]) => ({ tool: tool!, pkg: pkg!, group: group! }))
}

function onPath(tool: string, path = process.env['PATH'] ?? ''): boolean {
  const candidates = isAbsolute(tool) ? [tool] : path.split(delimiter).filter(Boolean).map((d) => join(d, tool))
  return candidates.some((c) => {
    try {
      accessSync(c, constants.X_OK)
      return true
    } catch {
      return false
    }
  })
}

/** The "test" tools that are not installed, each as "p11tool is missing: install gnutls-bin". */
export function missingTestTools(path?: string, tools = externalTools()): string[] {
  return tools
    .filter((t) => t.group === 'test' && t.tool !== '-' && !onPath(t.tool, path))
    .map((t) => `${t.tool} is missing: install ${t.pkg} (bash scripts/setup.sh installs every tool the tests use)`)
}
