import { readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { fixture } from '../helpers/cli.js'
import { installWinProfile, winPath, winUkey, winUserFolders } from '../helpers/wine.js'

// Windows keeps a user's settings in %APPDATA% (roaming) and data in
// %LOCALAPPDATA%: ukey's profile is config, its journals and lab are data.
describe('Windows folders: %APPDATA% and %LOCALAPPDATA%', () => {
  it('by default, the journal and the lab live under the user\'s AppData\\Local (the prefix\'s C:\\users\\…)', async () => {
    const status = await winUkey(['renew', '--status', '--json'])
    expect(status.code, status.stderr).toBe(0)
    expect((JSON.parse(status.stdout) as { dir: string }).dir).toMatch(/^C:\\users\\[^\\]+\\AppData\\Local\\ukey\\Data\\journal$/i)
  })

  it('the lab\'s samples go to %LOCALAPPDATA%\\ukey\\Data\\lab, and check-window reads them back there', async () => {
    const onDisk = join(winUserFolders().localAppData, 'ukey', 'Data', 'lab', 'samples')
    rmSync(onDisk, { recursive: true, force: true })
    const r = await winUkey(['lab', 'samples', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const doc = JSON.parse(r.stdout) as { dir: string; files: Array<{ file: string; state: string }> }
    expect(doc.dir).toMatch(/^C:\\users\\[^\\]+\\AppData\\Local\\ukey\\Data\\lab\\samples$/i)
    expect(readdirSync(onDisk).length).toBeGreaterThanOrEqual(doc.files.length)
    const check = await winUkey(['check-window', '--json', doc.dir])
    const states = (JSON.parse(check.stdout) as { certificates: Array<{ certificate: { window: { state: string } } }> }).certificates.map((c) => c.certificate.window.state)
    for (const state of ['valid', 'renewable', 'grace', 'lapsed', 'not-yet-valid']) expect(states).toContain(state)
    expect(check.code).toBe(12) // lapsed wins
    rmSync(onDisk, { recursive: true, force: true })
  })

  it('the bank profile is read from %APPDATA%\\ukey\\Config\\profile.json', async () => {
    // 45 days before rsa.pem's expiry (2027-01-01): renewable only under this profile's 60 days.
    const args = ['check-window', '--json', '--at', '2026-11-17T00:00:00Z', winPath(fixture('rsa.pem'))]
    const builtIn = await winUkey(args)
    expect(builtIn.code).toBe(0) // the FAQ's 30 days: too early
    const remove = installWinProfile({ name: 'Branch test bank', window: { renewBeforeDays: 60 } })
    try {
      const withProfile = await winUkey(args)
      const doc = JSON.parse(withProfile.stdout) as { summary: { profile: { name: string; source: string } }; certificates: Array<{ certificate: { window: { state: string } } }> }
      expect(doc.summary.profile.name).toBe('Branch test bank')
      expect(doc.summary.profile.source).toMatch(/^C:\\users\\[^\\]+\\AppData\\Roaming\\ukey\\Config\\profile\.json$/i)
      expect(doc.certificates[0]!.certificate.window.state).toBe('renewable')
      expect(withProfile.code).toBe(10)
    } finally {
      remove()
    }
  })
})
