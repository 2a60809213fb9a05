// Text a certificate or a file name brings is someone else's: for people (tables,
// cards, error lines) control and escape characters are shown, never sent to the
// terminal raw; JSON, NDJSON and CSV keep the exact value.
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import 'reflect-metadata'
import * as x509 from '@peculiar/x509'
import { beforeAll, describe, expect, it } from 'vitest'
import { terminalLines, terminalText } from '../../src/output/terminal-text.js'
import { displayWidth } from '../../src/output/width.js'
import { fixture, ndjson, ukey } from '../helpers/cli.js'

// Anything a terminal would act on: C0 (ESC, BEL, newline…), DEL, C1, bidi controls.
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/
const EVIL_NAME = '\u001b[2J\u001b]0;pwn\u0007.pem'
const EVIL_CN = 'Mallory\u001b[31m\u0007\nsecond line\u202eelif'

describe('terminalText', () => {
  it('shows C0, DEL, C1 and bidi controls as escapes; leaves other text alone', () => {
    expect(terminalText('a\u001b[2Jb')).toBe('a\\x1b[2Jb')
    expect(terminalText('\u001b]0;pwn\u0007')).toBe('\\x1b]0;pwn\\x07')
    expect(terminalText('one\ntwo\rthree\tfour')).toBe('one\\ntwo\\rthree\\tfour')
    expect(terminalText('\u007f\u0080\u009b\u009d')).toBe('\\x7f\\x80\\x9b\\x9d')
    expect(terminalText('gpj.\u202eexe \u2066x\u2069 \u200f')).toBe('gpj.\\u202eexe \\u2066x\\u2069 \\u200f')
    expect(terminalText('张三, OU=个人网银')).toBe('张三, OU=个人网银')
  })

  it('the visible form is what a table measures', () => {
    expect(displayWidth(terminalText(EVIL_NAME))).toBe(terminalText(EVIL_NAME).length)
  })

  it('terminalLines keeps the line breaks of ukey’s own multi-line text, nothing else', () => {
    expect(terminalLines('codes:\n  0124\u001b[2J')).toBe('codes:\n  0124\\x1b[2J')
  })
})

describe('escapes in file names and subjects reach people shown, machines exact', () => {
  let dir: string
  let evilFile: string
  let evilCnFile: string
  let badFile: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ukey-escape-'))
    evilFile = join(dir, EVIL_NAME)
    copyFileSync(fixture('rsa.pem'), evilFile)
    const { webcrypto } = await import('node:crypto')
    const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }
    const keys = await webcrypto.subtle.generateKey(alg, false, ['sign', 'verify'])
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: '0badc0de',
      subject: new x509.Name([{ C: ['CN'] }, { CN: [EVIL_CN] }]),
      issuer: 'C=CN, CN=Test CA',
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2027-01-01T00:00:00Z'),
      publicKey: keys.publicKey,
      signingKey: keys.privateKey,
      signingAlgorithm: alg,
      extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'a\u001b[2J.example' }])],
    })
    evilCnFile = join(dir, 'evil-cn.pem')
    writeFileSync(evilCnFile, cert.toString('pem'))
    badFile = join(dir, 'bad\u001b[31m\nname.pem')
    writeFileSync(badFile, 'not a certificate')
  })

  it.each([['fast', {}], ['oclif', { UKEY_NO_FAST_PATH: '1' }]])('check-window table (%s path): names and CNs shown, rows aligned, nothing raw', async (_path, env) => {
    const r = await ukey(['check-window', dir, '--lang', 'en', '--at', '2026-06-01'], { env })
    expect(r.stdout).not.toMatch(RAW_CONTROL)
    expect(r.stderr).not.toMatch(RAW_CONTROL)
    // The source column keeps a long path's end: the file name, shown.
    expect(r.stdout).toContain(`/${terminalText(EVIL_NAME)}  张三`)
    expect(r.stdout).toContain('Mallory\\x1b[31m\\x07\\nsecond li')
    // One line per row (a newline in a name no longer splits it), the serial column in one place.
    const lines = r.stdout.split('\n')
    const rows = lines.slice(0, lines.indexOf(''))
    expect(rows).toHaveLength(3)
    const serialAt = (line: string, serial: string): number => displayWidth(line.slice(0, line.indexOf(serial)))
    const column = serialAt(rows[0]!, 'Serial')
    expect(serialAt(rows.find((l) => l.includes('Mallory'))!, '0badc0de')).toBe(column)
    expect(serialAt(rows.find((l) => l.includes('pwn'))!, '8a3f2c1d5e6b7a90')).toBe(column)
    // The error line names the bad file, shown.
    expect(r.stderr.trim().split('\n')).toEqual([`Error: ${terminalText(badFile)}: not a certificate (no PEM, DER, PKCS#7 or PKCS#12 content found)`])
  })

  it('check-window JSON, NDJSON and CSV keep the exact values', async () => {
    const json = JSON.parse((await ukey(['check-window', dir, '--json'])).stdout)
    expect(json.certificates.map((c: { source: string }) => c.source)).toContain(evilFile)
    expect(json.certificates.map((c: { certificate: { subject: { cn: string } } }) => c.certificate.subject.cn)).toContain(EVIL_CN)
    expect(json.errors[0]).toMatchObject({ source: badFile, code: 'NOT_A_CERTIFICATE', message: expect.stringContaining(badFile) })
    const records = ndjson((await ukey(['check-window', evilCnFile, '--output', 'ndjson'])).stdout)
    expect(records[0]).toMatchObject({ certificate: { subject: { cn: EVIL_CN, dn: `CN=${EVIL_CN},C=CN` } } })
    const csv = (await ukey(['check-window', evilCnFile, '--output', 'csv'])).stdout
    expect(csv).toContain(`"${EVIL_CN}"`)
  })

  it('show-cert card: the source, subject and SAN shown; JSON exact', async () => {
    const r = await ukey(['show-cert', evilFile, evilCnFile, '--lang', 'en'])
    expect(r.stdout).not.toMatch(RAW_CONTROL)
    expect(r.stdout.split('\n')).toContain(terminalText(evilFile))
    expect(r.stdout).toMatch(/Subject\s+CN=Mallory\\x1b\[31m\\x07\\nsecond line\\u202eelif,C=CN\n/)
    expect(r.stdout).toContain('dns:a\\x1b[2J.example')
    const doc = JSON.parse((await ukey(['show-cert', evilCnFile, '--json'])).stdout)
    expect(doc.certificates[0].certificate.subject).toEqual({ dn: `CN=${EVIL_CN},C=CN`, cn: EVIL_CN })
    expect(doc.certificates[0].details.subjectAltNames).toEqual(['dns:a\u001b[2J.example'])
  })

  it('show-cert error line shows the name; its JSON error keeps it', async () => {
    const r = await ukey(['show-cert', badFile, '--lang', 'en'])
    expect(r.stderr).not.toMatch(RAW_CONTROL)
    expect(r.stderr).toContain(`Error: ${terminalText(badFile)}: not a certificate`)
    expect(r.code).toBe(3)
    const doc = JSON.parse((await ukey(['show-cert', badFile, '--json'])).stdout)
    expect(doc.errors[0].source).toBe(badFile)
  })

  it('a usage error quoting a typed value shows it', async () => {
    const r = await ukey(['check-window', evilFile, '--output', 'x\u001b[2J'])
    expect(r.code).toBe(2)
    expect(r.stderr).not.toMatch(RAW_CONTROL)
    expect(r.stderr).toContain('x\\x1b[2J')
  })
})
