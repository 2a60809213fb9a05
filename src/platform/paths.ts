import { homedir } from 'node:os'
import { join } from 'node:path'
import envPaths from 'env-paths'
import { currentPlatform } from './os.js'

// The one place that knows where ukey keeps things on each OS (env-paths: XDG on
// Linux, Library/… on macOS, %APPDATA% / %LOCALAPPDATA% on Windows).
const paths = (): ReturnType<typeof envPaths> => envPaths('ukey', { suffix: '' })

/** Per-OS config directory: XDG on Linux, Library/Preferences on macOS, %APPDATA% on Windows. */
export function configDir(): string {
  return paths().config
}

/** The user's data directory (XDG_DATA_HOME, %LOCALAPPDATA%, ~/Library/Application Support). */
export function dataDir(): string {
  return paths().data
}

/** The lab's folder, under the user's data directory. */
export function defaultLabDir(): string {
  return join(dataDir(), 'lab')
}

/** The lab's sample certificates, beside it. */
export function defaultSamplesDir(): string {
  return join(defaultLabDir(), 'samples')
}

/**
 * Where renewal journals live: the XDG state directory on Linux and BSD ($XDG_STATE_HOME,
 * ~/.local/state), the user's data directory elsewhere (%LOCALAPPDATA% on
 * Windows, Application Support on macOS: env-paths' "log" folders are for logs).
 */
export function stateJournalDir(): string {
  const os = currentPlatform()
  if (os !== 'win32' && os !== 'darwin') {
    const state = process.env['XDG_STATE_HOME'] || join(homedir(), '.local', 'state')
    return join(state, 'ukey', 'journal')
  }
  return join(dataDir(), 'journal')
}
