import { describe, expect, it } from 'vitest'
import { FakeToken } from '../../src/hardware/pkcs11/fake.js'
import { diagnose } from '../../src/troubleshoot/engine.js'
import { diagnosisRecord, sayer } from '../../src/output/diagnose-render.js'
import { RULES, findRule, healthRule } from '../../src/troubleshoot/rules/index.js'
import type { Ask, Rule } from '../../src/troubleshoot/types.js'
import { translator } from '../../src/i18n/index.js'
import { assessWindow } from '../../src/cert/window.js'
import { NOW, PIN, SERIAL, customerCert, fakeKey, fakeWorld, walk, writeJournal } from '../helpers/diagnose-world.js'

const rule = (code: string): Rule => findRule(code)!
const noOne: Ask = async () => undefined
const en = sayer(translator('en'), 'en')

async function run(code: string, tokens: FakeToken[], over: Parameters<typeof fakeWorld>[1] = {}, ask: Ask = noOne) {
  const world = await fakeWorld(tokens, over)
  return { report: await diagnose(rule(code), world, { ask }), world }
}

// Steps every walk shares while a key is there (FAQ 10.1, 10.2, 10.3), with the fake: no USB device to inspect.
const KEY_IN = (faq: string) => `pass ${faq} usb-key|token-visible|soft-certificate`
const IE = (faq: string) => [`unknown ${faq} device-busy`, `shown ${faq} say`]
const TOOL = (faq: string) => [`pass ${faq} vendor-module`, `unknown ${faq} module-vendor-match`, `pass ${faq} token-visible|soft-certificate`]

describe('codes as typed by people', () => {
  it.each([
    ['0124', '0124'], ['124', '0124'], ['生成密钥对失败', '0124'], ['0124 生成密钥对失败', '0124'],
    ['9002', '9002'], ['读取控件序列号为空，请您检查USBKEY是否插入', '9002'],
    ['0116', '0116'], ['116', '0116'], ['此证书换证条件不满足或是已进行过换证申请', '0116'],
    ['403.7', '403.7'], ['403', '403.7'], ['HTTP 403.7', '403.7'], ['http 403.7 forbidden', '403.7'], ['HTTP 403.7 Forbidden: client certificate required', '403.7'],
  ])('%s → %s', (input, code) => {
    expect(findRule(input)?.code).toBe(code)
  })

  it('an unknown code finds nothing', () => {
    expect(findRule('0999')).toBeUndefined()
    expect(findRule('')).toBeUndefined()
  })
})

describe('the walk on a fake key, per scenario and code', () => {
  it('inside the window, key healthy: nothing wrong found for every code (keygen tried and cleaned up)', async () => {
    const cert = await customerCert(20)
    const key = fakeKey(cert)
    const r0124 = (await run('0124', [key])).report
    expect(walk(r0124)).toEqual([KEY_IN('10.1'), ...IE('10.2'), ...TOOL('10.3'), 'pass 10 test-keygen', 'shown 10.3 say'])
    expect(r0124.verdict).toBe('ok')
    // The test key pair is gone again: only the customer's objects remain.
    expect(key.objects.map((o) => o.id)).toEqual(['a1'])
    const r9002 = (await run('9002', [fakeKey(cert)])).report
    expect(walk(r9002)).toEqual([KEY_IN('11.1'), 'pass 11.1 token-visible|soft-certificate', ...IE('11.2'), 'shown 11.3 say', 'shown 11.3 say'])
    expect(r9002.verdict).toBe('ok')
    const r0116 = (await run('0116', [fakeKey(cert)])).report
    expect(walk(r0116)).toEqual([
      'pass 12 renewal-journal', 'pass 12.1 renewal-window', KEY_IN('12.2'), 'pass 12.2 token-visible|soft-certificate', ...IE('12.3'),
      'pass 12 certificate-with-key', 'pass 12 chains-to-bank-ca', 'pass 12.4 key-signs', 'pass 12.4 renewal-refused', 'unknown 12.4 ask:error-persists',
    ])
    expect(r0116.verdict).toBe('ok')
    const r4037 = (await run('403.7', [fakeKey(cert)])).report
    expect(walk(r4037)).toEqual([
      KEY_IN('13.1'), ...IE('13.2'), ...TOOL('13.3'),
      'pass 13 certificate-with-key', 'pass 13 renewal-window', 'pass 13 chains-to-bank-ca', 'pass 13 key-signs', 'pass 13.4 renewal-refused', 'unknown 13.4 ask:error-persists',
    ])
    expect(r4037).toMatchObject({ verdict: 'ok', concludedAt: null })
  })

  it('key generation failing (0124): the key is faulty; the other codes find nothing wrong', async () => {
    const cert = await customerCert(20)
    const key = fakeKey(cert, { failKeyGeneration: true })
    const { report } = await run('0124', [key])
    expect(walk(report)).toEqual([KEY_IN('10.1'), ...IE('10.2'), ...TOOL('10.3'), 'fail 10 test-keygen', 'skipped 10.3 say'])
    expect(report).toMatchObject({ verdict: 'faulty', concludedAt: 6 })
    expect(en(report.next.text)).toContain('Replace it at the counter; the online-banking contract stays (FAQ 3)')
    expect(key.objects.map((o) => o.id)).toEqual(['a1'])
    for (const code of ['9002', '0116', '403.7']) expect((await run(code, [fakeKey(cert, { failKeyGeneration: true })])).report.verdict).toBe('ok')
  })

  it('without consent the test key generation is not run: unknown, and nothing is written to the key', async () => {
    const key = fakeKey(await customerCert(20))
    const { report } = await run('0124', [key], { allowed: [] })
    expect(report.steps[6]).toMatchObject({ outcome: 'unknown', evidence: [{ text: 'diagnose.ev.noConsent' }] })
    const declined = await run('0124', [key], { allowed: [] }, async (q) => (q.id.startsWith('consent:') ? false : undefined))
    expect(declined.report.steps[6]).toMatchObject({ outcome: 'unknown', evidence: [{ text: 'diagnose.ev.declined' }] })
    const agreed = await run('0124', [fakeKey(await customerCert(20), { failKeyGeneration: true })], { allowed: [] }, async () => true)
    expect(agreed.report.verdict).toBe('faulty')
  })

  it('no key at all: every code stops at "is the key inserted?" with FAQ 10.1', async () => {
    for (const code of ['0124', '9002', '403.7']) {
      const { report } = await run(code, [])
      expect(walk(report)[0]).toMatch(/^fail \d+\.1 usb-key\|token-visible\|soft-certificate$/)
      expect(walk(report).slice(1).every((s) => s.startsWith('skipped'))).toBe(true)
      expect(report).toMatchObject({ verdict: 'action', concludedAt: 0, next: { text: 'diagnose.fix.insertKey' } })
    }
    const { report } = await run('0116', [])
    expect(walk(report).slice(0, 3)).toEqual(['unknown 12 renewal-journal', 'unknown 12.1 renewal-window', 'fail 12.2 usb-key|token-visible|soft-certificate'])
    expect(report).toMatchObject({ verdict: 'action', concludedAt: 2 })
  })

  it('a key without certificate: 0116 and 403.7 stop at the certificate step', async () => {
    const r0116 = (await run('0116', [fakeKey(null)])).report
    expect(walk(r0116).slice(0, 7)).toEqual(['unknown 12 renewal-journal', 'unknown 12.1 renewal-window', KEY_IN('12.2'), 'pass 12.2 token-visible|soft-certificate', ...IE('12.3'), 'fail 12 certificate-with-key'])
    expect(r0116).toMatchObject({ verdict: 'action', concludedAt: 6, next: { text: 'diagnose.fix.noCertificate' } })
    const r4037 = (await run('403.7', [fakeKey(null)])).report
    expect(r4037).toMatchObject({ verdict: 'action', concludedAt: 6 })
    expect((await run('9002', [fakeKey(null)])).report.verdict).toBe('ok')
  })

  it('too early (0116): the window step says when renewal opens; 403.7 is satisfied', async () => {
    const cert = await customerCert(200)
    const { report } = await run('0116', [fakeKey(cert)])
    expect(walk(report).slice(0, 2)).toEqual(['pass 12 renewal-journal', 'fail 12.1 renewal-window'])
    expect(report).toMatchObject({ verdict: 'action', concludedAt: 1, next: { text: 'diagnose.fix.window.valid' } })
    expect(en(report.next.text, report.next.params)).toMatch(/renewal is possible from 2026-11-\d\d/)
    expect(report.steps[1]!.checks[0]!.result.certificate?.window.state).toBe('valid')
    expect((await run('403.7', [fakeKey(cert)])).report.verdict).toBe('ok')
  })

  it('the window step counts days as check-window does (cert/window.ts): 2.5 days expired is 2, not 3', async () => {
    const cert = await customerCert(-2.5)
    const { report } = await run('0116', [fakeKey(cert)])
    const checked = report.steps[1]!.checks[0]!.result.certificate!
    const w = assessWindow({ notBefore: new Date(0), notAfter: checked.summary.notAfter }, NOW, { renewBeforeDays: 30, graceAfterDays: 90 })
    expect(checked.window).toMatchObject({ state: 'grace', daysLeft: -2 })
    expect(checked.window.daysLeft).toBe(w.daysLeft)
  })

  it('lapsed: 0116 and 403.7 send the customer to the counter (action, not a faulty key)', async () => {
    const cert = await customerCert(-100)
    for (const [code, at] of [['0116', 1], ['403.7', 7]] as const) {
      const { report } = await run(code, [fakeKey(cert)])
      expect(report).toMatchObject({ verdict: 'action', concludedAt: at, next: { text: 'diagnose.fix.window.lapsed' } })
    }
    expect((await run('0124', [fakeKey(cert)])).report.verdict).toBe('ok')
  })

  it('already renewed (a done journal for the certificate on the key): 0116 is explained, nothing to do', async () => {
    const cert = await customerCert(340)
    const world = await fakeWorld([fakeKey(cert)])
    writeJournal(world.journalDir, { oldSerial: 'abcdef01', state: 'done', newCertificate: cert.der.toString('base64'), entries: [{ step: 'old-removed', phase: 'end', at: '2026-05-20T08:01:00.000Z' }] })
    const report = await diagnose(rule('0116'), world, { ask: noOne })
    expect(walk(report)[0]).toBe('fail 12 renewal-journal')
    expect(report).toMatchObject({ verdict: 'ok', concludedAt: 0, next: { text: 'diagnose.fix.alreadyRenewed', params: { date: '2026-05-20' } } })
  })

  it('a renewal under way (an open journal): 0116 says to finish it with ukey renew', async () => {
    const cert = await customerCert(20)
    const world = await fakeWorld([fakeKey(cert)])
    writeJournal(world.journalDir, { oldSerial: cert.serial, state: 'open', entries: [{ step: 'key-generated', phase: 'end', at: '2026-05-31T08:00:00.000Z' }] })
    const report = await diagnose(rule('0116'), world, { ask: noOne })
    expect(report).toMatchObject({ verdict: 'action', concludedAt: 0, next: { text: 'diagnose.fix.resumeRenewal' } })
  })

  it('the server refused (journal: RENEWAL_REFUSED, rolled back) and everything checks out: the bank\'s side, not the key (exit 20)', async () => {
    const cert = await customerCert(20)
    for (const [code, at] of [['0116', 9], ['403.7', 10]] as const) {
      const world = await fakeWorld([fakeKey(cert)])
      writeJournal(world.journalDir, {
        oldSerial: cert.serial, state: 'rolled-back', outcome: 'RENEWAL_REFUSED',
        entries: [{ step: 'request-sent', phase: 'begin', at: '2026-05-31T08:00:00.000Z' }, { step: 'request-sent', phase: 'failed', at: '2026-05-31T08:00:01.000Z', detail: { code: 'RENEWAL_REFUSED' } }],
      })
      const report = await diagnose(rule(code), world, { ask: noOne })
      expect(walk(report)[at]).toBe(`fail ${code === '0116' ? '12.4' : '13.4'} renewal-refused`)
      expect(report).toMatchObject({ verdict: 'action', concludedAt: at, next: { text: 'diagnose.fix.refusedByBank' } })
      // A refused renewal is not one "under way": the journal check passes.
      if (code === '0116') expect(walk(report)[0]).toBe('pass 12 renewal-journal')
    }
  })

  it('403.7: a key whose signature does not verify against its certificate is faulty', async () => {
    const other = await customerCert(20)
    const cert = await customerCert(20, { keyPem: other.privateKeyPem })
    const { report } = await run('403.7', [fakeKey(cert)])
    expect(walk(report)[9]).toBe('fail 13 key-signs')
    expect(report).toMatchObject({ verdict: 'faulty', concludedAt: 9, next: { text: 'diagnose.fix.replaceKey' } })
  })

  it('without a PIN the checks that need one are unknown, never guessed', async () => {
    const { report } = await run('403.7', [fakeKey(await customerCert(20))], { pin: async () => undefined })
    expect(walk(report)).toContain('unknown 13 certificate-with-key')
    expect(walk(report)).toContain('unknown 13 key-signs')
    // Never "nothing wrong" with the checks 403.7 depends on unknown: what was not checked, and how.
    expect(report).toMatchObject({ verdict: 'action', next: { text: 'diagnose.next.unchecked', params: { command: 'ukey diagnose 403.7' } } })
    expect(report.unchecked.map((i) => walk(report)[i])).toEqual(['unknown 13 certificate-with-key', 'unknown 13 key-signs'])
  })

  it('a locked PIN is a finding: the key must go to the counter', async () => {
    const { report } = await run('403.7', [fakeKey(await customerCert(20), { triesLeft: 0 })])
    expect(report).toMatchObject({ verdict: 'faulty', next: { text: 'finding.pinLocked' } })
  })
})

describe('questions go through the injected ask, never the terminal', () => {
  it('"does the error persist?" yes with the key proven: it works, the fault is elsewhere (never faulty); no: nothing wrong', async () => {
    const cert = await customerCert(20)
    const asked: string[] = []
    const yes = await run('403.7', [fakeKey(cert)], {}, async (q) => (asked.push(q.id), true))
    expect(asked).toEqual(['error-persists'])
    const unproven = await run('403.7', [fakeKey(cert)], { pin: async () => undefined }, async () => true)
    expect(unproven.report).toMatchObject({ verdict: 'action', next: { text: 'diagnose.next.persistsUnproven' }, proof: [] })
    expect(yes.report).toMatchObject({ verdict: 'action', concludedAt: 11, next: { text: 'diagnose.next.keyWorks' } })
    // The proof shown with it: the signature that verified.
    expect(yes.report.proof.map((m) => m.text)).toContain('diagnose.ev.signVerified')
    expect(walk(yes.report)[11]).toBe('yes 13.4 ask:error-persists')
    const no = await run('403.7', [fakeKey(cert)], {}, async () => false)
    expect(no.report).toMatchObject({ verdict: 'ok', next: { text: 'diagnose.next.retryThenCounter' } })
    expect(walk(no.report)[11]).toBe('no 13.4 ask:error-persists')
  })
})

describe('rules are data', () => {
  it('a code added in a test, purely as data, runs through the engine', async () => {
    const rule9999: Rule = {
      code: '9999',
      aliases: ['证书已吊销'],
      title: { 'zh-CN': '证书已吊销（测试）', en: 'certificate revoked (test)' },
      faq: 'X',
      steps: [
        { kind: 'check', faq: 'X.1', text: { 'zh-CN': '证书及私钥', en: 'certificate and key' }, check: 'certificate-with-key' },
        { kind: 'instruction', faq: 'X.2', text: { 'zh-CN': '致电银行', en: 'Call the bank about {what}.' } },
        { kind: 'question', faq: 'X.3', id: 'revoked-letter', text: { 'zh-CN': '客户收到吊销通知了吗？', en: 'Did the customer get a revocation letter?' }, yes: { verdict: 'action', next: { 'zh-CN': '到柜台重新申请证书。', en: 'Apply for a new certificate at the counter.' } } },
      ],
      done: { verdict: 'ok', next: { 'zh-CN': '未发现问题。', en: 'Nothing found.' } },
    }
    expect(findRule('证书已吊销', [...RULES, rule9999])).toBe(rule9999)
    const world = await fakeWorld([fakeKey(await customerCert(20))])
    const report = await diagnose(rule9999, world, { ask: async () => true })
    expect(walk(report)).toEqual(['pass X.1 certificate-with-key', 'shown X.2 say', 'yes X.3 ask:revoked-letter'])
    expect(report).toMatchObject({ code: '9999', verdict: 'action', concludedAt: 2 })
    expect(sayer(translator('zh-CN'), 'zh-CN')(report.next.text)).toBe('到柜台重新申请证书。')
    expect(en({ 'zh-CN': '', en: 'Call the bank about {what}.' }, { what: 'revocation' })).toBe('Call the bank about revocation.')
  })

  it('every rule names only known checks, has FAQ references, and texts in both languages', () => {
    const zh = translator('zh-CN')
    for (const r of [...RULES, healthRule]) {
      for (const s of r.steps) {
        expect(s.faq).toMatch(/^\d+(\.\d+)?$/)
        if (typeof s.text === 'string') expect(zh(s.text)).not.toBe(translator('en')(s.text))
      }
    }
  })
})

describe('the health check', () => {
  it('runs every check, stops at none, and the worst finding decides', async () => {
    const cert = await customerCert(200)
    const world = await fakeWorld([fakeKey(cert)], { probeServer: async () => ({ reachable: false, trusted: false, detail: 'connect ECONNREFUSED' }) })
    const report = await diagnose(healthRule, world, { ask: noOne })
    const ran = report.steps.flatMap((s) => s.checks.map((c) => c.id)).sort()
    expect(ran).toEqual(['certificate-with-key', 'chains-to-bank-ca', 'device-busy', 'key-signs', 'module-vendor-match', 'renewal-journal', 'renewal-refused', 'renewal-server', 'renewal-window', 'soft-certificate', 'test-keygen', 'token-visible', 'token-visible', 'usb-key', 'vendor-module'])
    expect(report.steps.some((s) => s.outcome === 'skipped')).toBe(false)
    expect(report).toMatchObject({ code: null, verdict: 'action', next: { text: 'diagnose.fix.serverUnreachable' } })
  })

  it('a renewal server whose answer does not chain to the bank CA is a finding of its own; the customer\'s certificate names the request', async () => {
    const cert = await customerCert(200)
    const asked: Buffer[] = []
    const world = await fakeWorld([fakeKey(cert)], {
      probeServer: async (_server, oldCert) => {
        asked.push(oldCert)
        return { reachable: true, trusted: false, detail: 'signature does not chain' }
      },
    })
    const report = await diagnose(healthRule, world, { ask: noOne })
    const server = report.steps.flatMap((s) => s.checks).find((c) => c.id === 'renewal-server')!
    expect(server.result).toMatchObject({ outcome: 'fail', data: { reachable: true, trusted: false }, remedy: { text: 'diagnose.fix.serverUntrusted' } })
    expect(asked).toEqual([cert.der])
  })
})

describe('the PIN', () => {
  it('appears nowhere in the report or its JSON, with a good PIN or a wrong one', async () => {
    const cert = await customerCert(20)
    for (const pin of [PIN, '999111']) {
      const world = await fakeWorld([fakeKey(cert)], { pin: async () => pin })
      const report = await diagnose(rule('403.7'), world, { ask: noOne })
      const json = JSON.stringify(diagnosisRecord(report, en, { lab: false, input: '403.7' }))
      expect(JSON.stringify(report)).not.toContain(pin)
      expect(json).not.toContain(pin)
      if (pin !== PIN) expect(json).toContain('wrong PIN: not checked')
    }
    expect(SERIAL).not.toContain(PIN)
  })
})

describe('two keys plugged in', () => {
  it('no guess: the walk stops asking for --serial or --label; a selector picks one', async () => {
    const cert = await customerCert(20)
    const second = new FakeToken({ serial: '3100000000000002', label: 'other', pin: PIN })
    const { report } = await run('403.7', [fakeKey(cert), second])
    expect(report).toMatchObject({ verdict: 'action', next: { text: 'error.TOKEN_AMBIGUOUS', params: { count: 2 } } })
    const picked = await run('403.7', [fakeKey(cert), second], { selector: { serial: SERIAL } })
    expect(picked.report.verdict).toBe('ok')
    expect(walk(picked.report)).toContain('pass 13 key-signs')
  })
})
