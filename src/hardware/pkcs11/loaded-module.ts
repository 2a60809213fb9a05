import { realpathSync, statSync } from 'node:fs'
import { UkeyError } from '../../errors.js'
import type { Cryptoki } from './cryptoki.js'
import { ckrName } from './errors.js'

type CryptokiClass = typeof Cryptoki

let binding: Promise<CryptokiClass> | undefined

/** The koffi binding (a native addon) is loaded only by commands that touch a token. */
export function loadCryptoki(): Promise<CryptokiClass> {
  binding ??= import('./cryptoki.js').then((m) => m.Cryptoki)
  return binding
}

/**
 * Runs calls into one module one at a time. Modules are initialised without
 * locking callbacks (most vendor modules cannot take them), which promises
 * single-threaded use; the async calls (key generation, signing) run on a worker
 * thread, so nothing else may enter the module until they return.
 */
export class CallQueue {
  private tail: Promise<unknown> = Promise.resolve()

  run<T>(fn: () => T | Promise<T>): Promise<T> {
    const p = this.tail.then(fn)
    this.tail = p.catch(() => undefined)
    return p
  }
}

export interface ModuleSession {
  close(): Promise<void>
}

/**
 * One PKCS#11 library, loaded once per process. C_Initialize / C_Finalize are
 * process-wide for a library: a C_Finalize from one user would kill every other
 * user's sessions, so the module is finalised only when its last user releases
 * it with no session open. The library stays mapped after C_Finalize (unloading
 * and reloading vendor code is where crashes live); the next user initialises it
 * again, which also re-reads the module's configuration (SOFTHSM2_CONF in tests).
 */
export class LoadedModule {
  readonly queue = new CallQueue()
  readonly sessions = new Set<ModuleSession>()
  readonly users = new Set<object>()
  initialized = false

  constructor(
    readonly realPath: string,
    readonly module: Cryptoki,
  ) {}
}

const registry = new Map<string, LoadedModule>()

function loadDetail(path: string, real: string, e: unknown): string {
  // koffi says "Failed to load shared library: <dlopen's or LoadLibrary's reason>"; the error already names the file.
  let msg = (e instanceof Error ? e.message : String(e)).replace(/^Failed to load shared library: /, '')
  for (const p of [path, real]) if (msg.startsWith(`${p}: `)) msg = msg.slice(p.length + 2)
  return msg
}

/** Loads (once) and initialises the library at `path` for `user`; throws PKCS11_MODULE_NOT_FOUND / PKCS11_MODULE_INVALID. */
export async function acquireModule(path: string, user: object): Promise<LoadedModule> {
  let real: string
  try {
    if (statSync(path).isDirectory()) throw new UkeyError('PKCS11_MODULE_INVALID', { params: { path, detail: 'a directory' } })
    real = realpathSync(path)
  } catch (e) {
    if (e instanceof UkeyError) throw e
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UkeyError('PKCS11_MODULE_NOT_FOUND', { params: { path }, cause: e })
    throw new UkeyError('PKCS11_MODULE_INVALID', { params: { path, detail: code ?? String(e) }, cause: e })
  }
  const Binding = await loadCryptoki()
  let mod = registry.get(real)
  if (!mod) {
    let module: Cryptoki
    try {
      module = Binding.load(real)
    } catch (e) {
      // dlopen refuses executables, text files, wrong architectures; a library without C_GetFunctionList is no PKCS#11 module.
      throw new UkeyError('PKCS11_MODULE_INVALID', { params: { path, detail: loadDetail(path, real, e) }, cause: e })
    }
    mod = new LoadedModule(real, module)
    registry.set(real, mod)
  }
  const m = mod
  // Registered before initialising, so a release racing with this call cannot finalise under us.
  m.users.add(user)
  if (!m.initialized) {
    try {
      await m.queue.run(() => {
        if (m.initialized) return
        try {
          m.module.initialize()
        } catch (e) {
          throw new UkeyError('PKCS11_MODULE_INVALID', { params: { path, detail: ckrName(e) ?? loadDetail(path, real, e) }, cause: e })
        }
        m.initialized = true
      })
    } catch (e) {
      m.users.delete(user)
      throw e
    }
  }
  return m
}

/** Drops `user`; the last user out with no session open finalises the module. */
export async function releaseModule(mod: LoadedModule, user: object): Promise<void> {
  mod.users.delete(user)
  if (mod.users.size > 0 || mod.sessions.size > 0) return
  await mod.queue.run(() => {
    if (!mod.initialized || mod.users.size > 0 || mod.sessions.size > 0) return
    mod.initialized = false
    try {
      mod.module.finalize()
    } catch {
      // A module that fails to finalise is still done with: the next user initialises it again.
    }
  })
}
