import { execFile, execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SYSTEM_PYTHON } from './umockdev.js'

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so'
export const SO_PIN = '87654321'
export const USER_PIN = '123456'

// SoftHSM's file backend writes every token object to disk as it is made: an EC key pair costs
// 15–130 ms on this VM's disk and 2–7 ms on tmpfs. /dev/shm is tmpfs on Linux.
const STORE_PARENT = existsSync('/dev/shm') ? '/dev/shm' : tmpdir()

/**
 * A private SoftHSM2 token store: a temp directory with its own softhsm2.conf.
 *
 * How tests stay isolated and parallel-safe: SoftHSM reads SOFTHSM2_CONF at
 * C_Initialize, and a process initialises a module once. Vitest runs every test
 * file in its own process (the default `forks` pool), so files never share a
 * module or an environment and can run in parallel. Inside a file, tests run one
 * after another and each gets a fresh store: `activate()` points SOFTHSM2_CONF at
 * it, and the test closes its provider at the end, which finalises the module
 * (GrapheneTokenProvider: last user out), so the next test's C_Initialize reads
 * the next store (~0.5 ms). Tokens must be initialised before the provider first
 * lists them: SoftHSM reads its token directory at C_Initialize. External tools
 * (softhsm2-util, pkcs11-tool, p11tool) get the store through `env`.
 */
export class SoftHsmStore {
  readonly dir: string
  readonly conf: string
  readonly tokenDir: string

  private constructor() {
    this.dir = mkdtempSync(join(STORE_PARENT, 'ukey-softhsm-'))
    this.tokenDir = join(this.dir, 'tokens')
    this.conf = join(this.dir, 'softhsm2.conf')
    mkdirSync(this.tokenDir)
    writeFileSync(this.conf, `directories.tokendir = ${this.tokenDir}\nobjectstore.backend = file\nlog.level = ERROR\n`)
  }

  static create(): SoftHsmStore {
    return new SoftHsmStore()
  }

  /** The environment for a child process that should see this store. */
  get env(): NodeJS.ProcessEnv {
    return { ...process.env, SOFTHSM2_CONF: this.conf }
  }

  /** Points this process's SoftHSM at the store; takes effect at the module's next C_Initialize. */
  activate(): void {
    process.env['SOFTHSM2_CONF'] = this.conf
  }

  /**
   * `softhsm2-util --init-token --free` (no prompts, ~25 ms). With `serial`, the
   * token's serial number is then replaced: SoftHSM makes one from the token
   * directory's UUID and softhsm2-util cannot set it, but it reads back whatever
   * 16 characters `token.object` holds (shared/notes/softhsm2.md).
   */
  initToken(opts: { label: string; pin?: string; soPin?: string; serial?: string }): { label: string; serial: string } {
    const before = new Set(readdirSync(this.tokenDir))
    execFileSync('softhsm2-util', ['--init-token', '--free', '--label', opts.label, '--so-pin', opts.soPin ?? SO_PIN, '--pin', opts.pin ?? USER_PIN], {
      env: this.env,
      stdio: 'pipe',
    })
    const created = readdirSync(this.tokenDir).filter((d) => !before.has(d))
    if (created.length !== 1) throw new Error(`expected one new token directory, found ${created.length}`)
    const dir = join(this.tokenDir, created[0]!)
    // The initial serial: the UUID's last 16 hex digits.
    const generated = created[0]!.replace(/-/g, '').slice(-16)
    if (opts.serial === undefined) return { label: opts.label, serial: generated }
    patchSerial(join(dir, 'token.object'), generated, opts.serial)
    return { label: opts.label, serial: opts.serial }
  }

  remove(): void {
    if (process.env['SOFTHSM2_CONF'] === this.conf) delete process.env['SOFTHSM2_CONF']
    rmSync(this.dir, { recursive: true, force: true })
  }
}

/** Replaces the 16-byte serial in a SoftHSM2 token.object; refuses unless it occurs exactly once. */
export function patchSerial(tokenObject: string, from: string, to: string): void {
  if (from.length !== 16 || to.length !== 16) throw new Error('SoftHSM2 serials are 16 characters')
  const buf = readFileSync(tokenObject)
  const needle = Buffer.from(from, 'latin1')
  const at = buf.indexOf(needle)
  if (at < 0 || buf.indexOf(needle, at + 1) >= 0) throw new Error(`serial ${from} not found exactly once in ${tokenObject}`)
  Buffer.from(to, 'latin1').copy(buf, at)
  writeFileSync(tokenObject, buf)
}

export interface ToolResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs an independent PKCS#11 client (pkcs11-tool, p11tool) against the store: the witness of what ukey wrote. */
export function runTool(store: SoftHsmStore, tool: 'pkcs11-tool' | 'p11tool', args: string[]): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(tool, args, { env: store.env, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0
      resolve({ code, stdout, stderr })
    })
  })
}

/** pkcs11-tool's `-O` listing, one record per object: the header line and its `name: value` fields. */
export function parsePkcs11ToolObjects(out: string): Array<{ kind: string; fields: Record<string, string> }> {
  const objects: Array<{ kind: string; fields: Record<string, string> }> = []
  for (const line of out.split('\n')) {
    if (/^\S.*Object;/.test(line)) objects.push({ kind: line.trim(), fields: {} })
    else {
      const m = /^\s+([^:]+):\s*(.*)$/.exec(line)
      if (m && objects.length) objects[objects.length - 1]!.fields[m[1]!.trim()] = m[2]!.trim()
    }
  }
  return objects
}

/**
 * CKA_SUBJECT, CKA_ISSUER and CKA_SERIAL_NUMBER (hex) of the certificate with this CKA_ID, read by
 * Debian's PyKCS11 (python3-pykcs11, its own C++ wrapper) in a child process: neither pkcs11-tool
 * nor p11tool prints CKA_ISSUER, and ukey's own binding cannot witness itself.
 */
export function readCertAttributes(store: SoftHsmStore, idHex: string): Promise<{ subject: string; issuer: string; serial: string }> {
  const script = `
import json, sys, PyKCS11
from PyKCS11.LowLevel import CKA_CLASS, CKA_ID, CKA_SUBJECT, CKA_ISSUER, CKA_SERIAL_NUMBER, CKO_CERTIFICATE, CKF_TOKEN_INITIALIZED
lib = PyKCS11.PyKCS11Lib()
lib.load(sys.argv[1])
out = {}
for slot in lib.getSlotList(tokenPresent=True):
    if not lib.getTokenInfo(slot).flags & CKF_TOKEN_INITIALIZED:
        continue
    s = lib.openSession(slot)
    for h in s.findObjects([(CKA_CLASS, CKO_CERTIFICATE), (CKA_ID, bytes.fromhex(sys.argv[2]))]):
        subject, issuer, serial = s.getAttributeValue(h, [CKA_SUBJECT, CKA_ISSUER, CKA_SERIAL_NUMBER])
        out = {'subject': bytes(subject).hex(), 'issuer': bytes(issuer).hex(), 'serial': bytes(serial).hex()}
    s.closeSession()
print(json.dumps(out))
`
  return new Promise((resolve, reject) => {
    execFile(SYSTEM_PYTHON, ['-c', script, SOFTHSM_MODULE, idHex], { env: store.env, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`PyKCS11 witness failed (Debian package python3-pykcs11, scripts/setup.sh): ${stderr}`))
      else resolve(JSON.parse(stdout) as { subject: string; issuer: string; serial: string })
    })
  })
}

/** The environment of a SoftHSM2 with no token at all: a module that loads and sees no key. */
export function emptySoftHsmEnv(): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'ukey-empty-'))
  writeFileSync(join(dir, 'softhsm2.conf'), `directories.tokendir = ${dir}\nobjectstore.backend = file\n`)
  return { SOFTHSM2_CONF: join(dir, 'softhsm2.conf') }
}
