import { spawnSync } from 'node:child_process'

/**
 * One wineserver for the whole suite (-p: persistent until killed), started
 * here and stopped at the end: otherwise each node.exe start waits for a new
 * one, and the last one lingers after the suite.
 */
export default function setup(): () => void {
  const wineserver = process.env['UKEY_WINESERVER']
  if (!wineserver || !process.env['WINEPREFIX']) throw new Error('run the Windows suite with bash scripts/test-windows.sh')
  const r = spawnSync(wineserver, ['-p'], { stdio: 'inherit' })
  if (r.status !== 0) throw new Error(`${wineserver} -p: exit ${r.status}`)
  return () => {
    spawnSync(wineserver, ['-k'], { stdio: 'inherit' })
  }
}
