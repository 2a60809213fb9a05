import { join } from 'node:path'
import envPaths from 'env-paths'

/** The lab's folder: the user's data directory (XDG_DATA_HOME, %LOCALAPPDATA%, ~/Library/Application Support). */
export function defaultLabDir(): string {
  return join(envPaths('ukey', { suffix: '' }).data, 'lab')
}
