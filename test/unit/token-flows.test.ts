import { exitCodeOf } from '../../src/output/exit-codes.js'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { FakeToken, FakeTokenProvider } from '../../src/hardware/pkcs11/fake.js'
import { detect, loginSafely, selectToken, type TokenContext } from '../../src/hardware/tokens.js'
import { DEFAULT_PROFILE } from '../../src/profile/default.js'
import { UkeyError } from '../../src/errors.js'
import type { TokenInfo } from '../../src/hardware/pkcs11/types.js'

const cert = readFileSync(new URL('../fixtures/certs/rsa.der', import.meta.url))

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(UkeyError)
    return (e as UkeyError).code
  }
  return 'no error'
}

function ctx(...tokens: FakeToken[]): TokenContext {
  return { profile: DEFAULT_PROFILE, modules: [{ path: 'fake', origin: 'flag', vendorCode: null }], provider: new FakeTokenProvider(tokens) }
}

async function session(t: FakeToken) {
  const provider = new FakeTokenProvider([t])
  const [info] = (await provider.listTokens()).tokens
  return provider.open(info!)
}

describe('PIN policy before logging in (FAQ keys lock after a few wrong PINs)', () => {
  it('logs in with the right PIN', async () => {
    const s = await session(new FakeToken({ serial: '2100000000000001', pin: '246810' }))
    await loginSafely(s, async () => '246810')
    expect(await s.listKeyPairs()).toEqual([])
  })
  it('refuses the final try unless forced, without asking for the PIN', async () => {
    const t = new FakeToken({ serial: '2100000000000001', pin: '246810', triesLeft: 1, maxTries: 6 })
    const s = await session(t)
    expect(s.token.pin).toBe('final-try')
    let asked = false
    expect(await codeOf(loginSafely(s, async () => ((asked = true), '000000')))).toBe('PIN_FINAL_TRY')
    expect(asked).toBe(false)
    expect(t.triesLeft).toBe(1)
    await loginSafely(s, async () => '246810', { force: true })
    expect(t.pinState).toBe('ok')
  })
  it('reports a locked PIN without touching the key', async () => {
    const t = new FakeToken({ serial: '2100000000000001', triesLeft: 0 })
    const s = await session(t)
    expect(s.token.pin).toBe('locked')
    expect(await codeOf(loginSafely(s, async () => '123456'))).toBe('PIN_LOCKED')
    expect(t.calls).toBe(0)
  })
  it('passes on the tries left when the token tells them, and locks at zero', async () => {
    const t = new FakeToken({ serial: '2100000000000001', pin: '1', triesLeft: 3, maxTries: 3, reportsTries: true })
    const s = await session(t)
    // A source with one PIN (stdin, UKEY_PIN) answers nothing on the retry: the wrong-PIN error stands.
    const e1 = await loginSafely(s, async (_t, retry) => (retry ? undefined : 'x')).catch((e: UkeyError) => e)
    expect(e1).toMatchObject({ code: 'PIN_INCORRECT', key: 'error.PIN_INCORRECT_TRIES', params: { tries: 2 } })
    await loginSafely(s, async (_t, retry) => (retry ? undefined : 'y')).catch(() => undefined)
    expect(t.pinState).toBe('final-try')
    const again = await session(t)
    expect(again.token.pin).toBe('final-try')
    expect(again.token.pinTriesLeft).toBe(1)
    expect(await codeOf(loginSafely(again, async () => 'z', { force: true }))).toBe('PIN_LOCKED')
  })
  it('Enter (an empty PIN) skips: PIN_REQUIRED and no login, the tries untouched', async () => {
    const t = new FakeToken({ serial: '2100000000000001', pin: 'Dq-60722-k', triesLeft: 3, maxTries: 3, reportsTries: true })
    expect(await codeOf(loginSafely(await session(t), async () => ''))).toBe('PIN_REQUIRED')
    expect(t.triesLeft).toBe(3)
  })
  it('a wrong PIN: asked once more with the state the key reports; the right PIN then logs in', async () => {
    const t = new FakeToken({ serial: '2100000000000001', pin: 'Dq-60722-k', triesLeft: 3, maxTries: 3, reportsTries: true })
    const asked: unknown[] = []
    await loginSafely(await session(t), async (_t, retry) => {
      asked.push(retry)
      return retry ? 'Dq-60722-k' : 'Wq-31815-z'
    })
    expect(asked).toEqual([undefined, { state: 'count-low', tries: 2 }])
  })
  it('never more than one retry: two wrong PINs end with the error, the third never sent', async () => {
    const t = new FakeToken({ serial: '2100000000000001', pin: 'Dq-60722-k', triesLeft: 5, maxTries: 5, reportsTries: true })
    let calls = 0
    expect(await codeOf(loginSafely(await session(t), async () => (calls++, 'Wq-31815-z')))).toBe('PIN_INCORRECT')
    expect([calls, t.triesLeft]).toEqual([2, 3])
  })
  it('the final try: only with a yes from confirmFinalTry (or force); a no sends nothing', async () => {
    const t = new FakeToken({ serial: '2100000000000001', pin: 'Dq-60722-k', triesLeft: 1, maxTries: 3, reportsTries: true })
    const no = Object.assign(async () => 'Dq-60722-k', { confirmFinalTry: async () => false })
    expect(await codeOf(loginSafely(await session(t), no))).toBe('PIN_FINAL_TRY')
    expect(t.triesLeft).toBe(1)
    const yes = Object.assign(async () => 'Dq-60722-k', { confirmFinalTry: async () => true })
    await loginSafely(await session(t), yes)
    expect(t.pinState).toBe('ok')
  })
  it('no PIN available → PIN_REQUIRED, and the wrong PIN never appears in the error', async () => {
    const s = await session(new FakeToken({ serial: '2100000000000001', pin: '246810' }))
    expect(await codeOf(loginSafely(s, async () => undefined))).toBe('PIN_REQUIRED')
    const e = (await loginSafely(s, async () => '13579-secret').catch((x: UkeyError) => x)) as UkeyError
    expect(JSON.stringify({ m: e.message, p: e.params, k: e.key })).not.toContain('13579-secret')
  })
})

describe('a key pulled out mid-operation', () => {
  it('every later call fails with TOKEN_REMOVED and the token disappears from the list', async () => {
    const t = new FakeToken({ serial: '2100000000000001', removeAfterCalls: 2, certificates: [{ id: '01', label: 'old', der: cert }] })
    const provider = new FakeTokenProvider([t])
    const [info] = (await provider.listTokens()).tokens
    const s = await provider.open(info!)
    await s.login('123456')
    expect(await s.listCertificates()).toHaveLength(1)
    expect(await codeOf(s.listCertificates())).toBe('TOKEN_REMOVED')
    expect(await codeOf(s.sign('01', 'RSA-PKCS-SHA256', Buffer.from('x')))).toBe('TOKEN_REMOVED')
    expect((await provider.listTokens()).tokens).toEqual([])
  })
})

describe('choosing one key', () => {
  const tok = (serial: string, label: string) => ({ serial, label }) as TokenInfo
  const two = [tok('2100000000000001', 'customer A'), tok('3100000000000002', 'customer B')]
  it('one plugged in needs no selector', () => {
    expect(selectToken([two[0]!], {}).serial).toBe('2100000000000001')
  })
  it('two plugged in without a selector: TOKEN_AMBIGUOUS listing both (exit 2)', () => {
    try {
      selectToken(two, {})
      expect.unreachable()
    } catch (e) {
      expect(e).toMatchObject({ code: 'TOKEN_AMBIGUOUS' })
      expect(exitCodeOf(e as UkeyError)).toBe(2)
      expect((e as UkeyError).params['list']).toContain('3100000000000002')
    }
  })
  it('--serial and --label pick one; a selector matching none is TOKEN_NOT_FOUND', () => {
    expect(selectToken(two, { serial: '3100000000000002' }).label).toBe('customer B')
    expect(selectToken(two, { label: 'customer A' }).serial).toBe('2100000000000001')
    expect(() => selectToken(two, { serial: '11' })).toThrow(expect.objectContaining({ code: 'TOKEN_NOT_FOUND' }))
    expect(() => selectToken([], {})).toThrow(expect.objectContaining({ code: 'TOKEN_NOT_FOUND' }))
  })
})

describe('detect over the interface', () => {
  it('names the vendor from the serial prefix and counts objects without a PIN', async () => {
    const r = await detect(ctx(new FakeToken({ serial: '2100000012345678', manufacturer: 'Watchdata', certificates: [{ id: '01', label: 'c', der: cert }] })))
    expect(r.verdict).toBe('ok')
    expect(r.tokens[0]).toMatchObject({ certificates: 1, vendor: { conflict: false } })
    expect(r.tokens[0]!.vendor.vendor?.code).toBe('21')
  })
  it('a printed number of another vendor than the token is a conflict', async () => {
    const r = await detect(ctx(new FakeToken({ serial: '2100000012345678' })), { printed: '3112345678' })
    expect(r.tokens[0]!.vendor.conflict).toBe(true)
    expect(r.printed?.vendor?.code).toBe('31')
  })
  it('no token: verdict no-token', async () => {
    expect((await detect(ctx())).verdict).toBe('no-token')
  })
})
