// Text a certificate, a token or a device brings reaches the terminal with its escapes
// shown (issue 11): the diagnose evidence, the renew plan and the renew status, beside
// check-window and show-cert (test/cli/terminal-text.test.ts). JSON keeps the exact text.
import { describe, expect, it } from 'vitest'
import { translator } from '../../src/i18n/index.js'
import { sayer } from '../../src/output/diagnose-render.js'
import { planText } from '../../src/output/renew-render.js'
import type { RenewPlan } from '../../src/renewal/transaction.js'

const HOSTILE = 'Zhang\u001b]0;pwn\u0007\u001b[2J San'

describe('escapes in rendered text', () => {
  it('diagnose evidence: shown visibly on a terminal, exact for JSON', () => {
    const t = translator('en')
    const text = { en: 'certificate {subject}', 'zh-CN': '证书 {subject}' }
    expect(sayer(t, 'en', true)(text, { subject: HOSTILE })).toBe('certificate Zhang\\x1b]0;pwn\\x07\\x1b[2J San')
    expect(sayer(t, 'en', false)(text, { subject: HOSTILE })).toBe(`certificate ${HOSTILE}`)
  })

  it('the renew plan: the subject and the key label', () => {
    const plan = {
      token: { serial: '2100000012345678', label: `lab${'\u001b'}[31m` },
      certificate: { id: 'aa', label: 'x', summary: { subjectCN: HOSTILE, serial: '7f01', notAfter: new Date('2026-12-20T00:00:00Z') }, sha256: '' },
      window: { state: 'renewable' },
      newKey: { algorithm: 'EC', curve: 'P-256' },
      server: 'http://127.0.0.1:18080/pkix/',
      resume: null,
      checks: [],
    } as unknown as RenewPlan
    const out = planText(plan, translator('en'), 'UTC')
    expect(out).not.toMatch(/\u001b|\u0007/)
    expect(out).toContain('Zhang\\x1b]0;pwn\\x07\\x1b[2J San')
    expect(out).toContain('lab\\x1b[31m')
  })
})
