import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { decodeCertificates } from '../../src/cert/decode.js'
import { assessWindow } from '../../src/cert/window.js'
import type { WindowRow } from '../../src/cert/window-events.js'
import { translator } from '../../src/i18n/index.js'
import { DEFAULT_PROFILE } from '../../src/profile/default.js'
import { fromOctets } from '../../src/output/octets.js'
import { certificateJson, certificateRecord } from '../../src/output/window-records.js'

const DAY = 86_400_000

describe('the hand-built NDJSON line', () => {
  it('equals JSON.stringify(certificateRecord) for every state, both languages, odd names and sources', () => {
    const decoded = ['rsa.pem', 'ec.pem', 'sm2.pem', 'bmp.pem', 'chain.pem'].flatMap((f) => {
      const d = decodeCertificates(readFileSync(new URL(`../fixtures/certs/${f}`, import.meta.url)), f)
      return d === 'pkcs12' ? [] : d.certificates
    })
    const notAfter = Date.parse('2027-01-01T00:00:00Z')
    const instants = [-400, -100, -20, 0.5, 10, 100].map((d) => new Date(notAfter + d * DAY))
    let checked = 0
    for (const lang of ['en', 'zh-CN'] as const) {
      const t = translator(lang)
      for (const cert of decoded) {
        for (const at of instants) {
          for (const source of ['a.pem', 'dir/"quoted"\\\\name\n.pem', '-']) {
            const row: WindowRow = { type: 'certificate', source, index: 2, format: 'pem', cert: { ...cert, subjectCN: checked % 3 === 0 ? null : cert.subjectCN }, window: assessWindow(cert, at, DEFAULT_PROFILE.window) }
            expect(fromOctets(certificateJson(row, t, DEFAULT_PROFILE, 'Asia/Shanghai'))).toBe(JSON.stringify(certificateRecord(row, t, DEFAULT_PROFILE, 'Asia/Shanghai')))
            checked++
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(200)
  })
})
