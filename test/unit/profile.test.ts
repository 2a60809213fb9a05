import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEFAULT_PROFILE } from '../../src/profile/default.js'
import { loadProfile, parseProfile } from '../../src/profile/load.js'
import { UkeyError } from '../../src/errors.js'

function codeOf(fn: () => unknown): { code: string; params: Record<string, unknown> } {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(UkeyError)
    return { code: (e as UkeyError).code, params: (e as UkeyError).params }
  }
  throw new Error('expected an error')
}

describe('bank profile', () => {
  it('the built-in profile carries the FAQ window: 30 days before, 90 after', () => {
    expect(DEFAULT_PROFILE.window).toEqual({ renewBeforeDays: 30, graceAfterDays: 90 })
  })

  it('a partial file keeps the built-in values for what it omits', () => {
    const p = parseProfile('{"name":"Test Bank","window":{"graceAfterDays":60}}', 'p.json')
    expect(p.window).toEqual({ renewBeforeDays: 30, graceAfterDays: 60 })
    expect(p.name).toBe('Test Bank')
    expect(p.source).toBe('p.json')
  })

  it('names the bad field and the file', () => {
    const e = codeOf(() => parseProfile('{"window":{"renewBeforeDays":-3}}', 'bank.json'))
    expect(e.code).toBe('PROFILE_INVALID')
    expect(e.params).toMatchObject({ file: 'bank.json', field: 'window.renewBeforeDays' })
    const typo = codeOf(() => parseProfile('{"window":{"renewBefore":30}}', 'bank.json'))
    expect(typo.params['field']).toBe('window.renewBefore')
    const type = codeOf(() => parseProfile('{"window":{"graceAfterDays":"90"}}', 'bank.json'))
    expect(type.params['field']).toBe('window.graceAfterDays')
  })

  it('rejects broken JSON with the parser\'s reason', () => {
    const e = codeOf(() => parseProfile('{"window":', 'bank.json'))
    expect(e.code).toBe('PROFILE_INVALID')
    expect(e.params['field']).toBe('(JSON)')
  })

  it('an explicit file that is missing is an error; a missing user file is not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ukey-profile-'))
    expect(codeOf(() => loadProfile(join(dir, 'nope.json'))).code).toBe('PROFILE_UNREADABLE')
    const prev = process.env['XDG_CONFIG_HOME']
    process.env['XDG_CONFIG_HOME'] = dir
    try {
      expect(loadProfile().source).toBe('built-in')
    } finally {
      if (prev === undefined) delete process.env['XDG_CONFIG_HOME']
      else process.env['XDG_CONFIG_HOME'] = prev
    }
    writeFileSync(join(dir, 'ok.json'), '{"window":{"renewBeforeDays":45}}')
    expect(loadProfile(join(dir, 'ok.json')).window.renewBeforeDays).toBe(45)
  })
})

describe('the compiled profile validator', () => {
  it('is up to date with profile.schema.json (run `npm run gen:profile` after editing the schema)', async () => {
    const { readFileSync } = await import('node:fs')
    // @ts-expect-error a build script without types
    const { generate } = await import('../../scripts/gen-profile-validator.mjs')
    const committed = readFileSync(new URL('../../src/profile/validate-profile.gen.js', import.meta.url), 'utf8')
    expect(generate()).toBe(committed)
  })
})

describe('the renewal server in the profile', () => {
  it('is absent from the built-in profile (it cannot know the bank\'s)', () => {
    expect(DEFAULT_PROFILE.renewal).toBeNull()
  })
  it('resolves CA files next to the profile and refuses a URL that is not http(s)', () => {
    const p = parseProfile(JSON.stringify({ renewal: { url: 'https://ra.bank.example/pkix/', caCerts: ['bank-ca.pem'] } }), '/etc/ukey/bank.json')
    expect(p.renewal).toEqual({ url: 'https://ra.bank.example/pkix/', caCerts: ['/etc/ukey/bank-ca.pem'], tlsCaCerts: [] })
    expect(() => parseProfile(JSON.stringify({ renewal: { url: 'ftp://x' } }), 'b.json')).toThrow(expect.objectContaining({ code: 'PROFILE_INVALID' }))
  })
})
