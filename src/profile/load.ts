import { dirname, join, resolve } from 'node:path'
import { configDir } from '../platform/paths.js'
import { DEFAULT_PROFILE } from './default.js'
// @ts-expect-error generated JavaScript without types
import validateProfile from './validate-profile.gen.js'
import type { BankProfile } from './types.js'
import type { Vendor } from './vendors.js'
import { UkeyError } from '../errors.js'
import { PROFILE_MAX_BYTES, ReadRefused, readRegularFile } from '../platform/bounded-read.js'
import { DEFAULT_KEY_NAME } from '../i18n/index.js'

export function userProfilePath(): string {
  return join(configDir(), 'profile.json')
}

type Validate = ((data: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string; params?: Record<string, unknown> }> | null }
// Compiled from profile.schema.json at development time (scripts/gen-profile-validator.mjs):
// no Ajv at run time.
const validator = (): Validate => validateProfile as unknown as Validate

function fieldName(instancePath: string, params: Record<string, unknown> | undefined): string {
  const extra = params?.['additionalProperty'] ?? params?.['missingProperty']
  const path = instancePath.replace(/^\//, '').replace(/\//g, '.')
  return [path, extra].filter(Boolean).join('.') || '(root)'
}

export function parseProfile(text: string, file: string): BankProfile {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (e) {
    throw new UkeyError('PROFILE_INVALID', { params: { file, field: '(JSON)', detail: (e as Error).message }, actions: ['action.fixProfile'] })
  }
  const v = validator()
  if (!v(data)) {
    const err = v.errors?.[0]
    throw new UkeyError('PROFILE_INVALID', {
      params: { file, field: fieldName(err?.instancePath ?? '', err?.params), detail: err?.message ?? 'is invalid' },
      actions: ['action.fixProfile'],
    })
  }
  const p = data as ProfileFile
  return {
    name: p.name ?? DEFAULT_PROFILE.name,
    lab: p.lab ?? false,
    keyName: { ...DEFAULT_KEY_NAME, ...p.keyName },
    source: file,
    window: { ...DEFAULT_PROFILE.window, ...p.window },
    vendors: mergeVendors(DEFAULT_PROFILE.vendors, p.vendors ?? []),
    pkcs11: { ...DEFAULT_PROFILE.pkcs11, ...p.pkcs11 },
    renewal: p.renewal?.url
      ? {
          url: p.renewal.url,
          // Relative paths are the profile's neighbours: a bank ships the profile with its CA files.
          caCerts: (p.renewal.caCerts ?? []).map((f) => resolve(dirname(file), f)),
          tlsCaCerts: (p.renewal.tlsCaCerts ?? []).map((f) => resolve(dirname(file), f)),
          ...(p.renewal.proxy ? { proxy: p.renewal.proxy } : {}),
        }
      : null,
  }
}

/** The file's shape (profile.schema.json): USB ids as "0x1234" strings, everything optional. */
interface ProfileFile {
  name?: string
  lab?: boolean
  keyName?: Partial<BankProfile['keyName']>
  window?: Partial<BankProfile['window']>
  vendors?: Array<Partial<Omit<Vendor, 'usb'>> & { code: string; usb?: Array<{ vendorId: string; productIds?: string[] }> }>
  pkcs11?: Partial<BankProfile['pkcs11']>
  renewal?: { url?: string; caCerts?: string[]; tlsCaCerts?: string[]; proxy?: string }
}

function mergeVendors(builtIn: Vendor[], fromFile: NonNullable<ProfileFile['vendors']>): Vendor[] {
  const out = builtIn.map((v) => ({ ...v }))
  for (const f of fromFile) {
    const usb = f.usb?.map((u) => ({ vendorId: parseInt(u.vendorId, 16), productIds: u.productIds ? u.productIds.map((x) => parseInt(x, 16)) : null }))
    const patch: Partial<Vendor> = { ...f, ...(usb ? { usb } : {}) } as Partial<Vendor>
    const i = out.findIndex((v) => v.code === f.code)
    if (i >= 0) out[i] = { ...out[i]!, ...patch }
    else {
      out.push({
        code: f.code,
        name: f.name ?? { 'zh-CN': f.code, en: f.code },
        usb: usb ?? [],
        manufacturerPatterns: f.manufacturerPatterns ?? [],
        modules: f.modules ?? {},
        searchPaths: f.searchPaths ?? {},
        minModuleVersion: f.minModuleVersion ?? null,
      })
    }
  }
  return out
}

/**
 * `--profile FILE` if given, else the user's profile.json if present, else the
 * built-in FAQ profile. A named file that is missing is an error; a missing
 * default file is not.
 */
export function loadProfile(explicit?: string): BankProfile {
  const file = explicit ?? userProfilePath()
  let text: string
  try {
    // Regular files only, size-capped: `--profile /dev/zero` once grew to 8.7 GB and a FIFO hung.
    text = readRegularFile(file, PROFILE_MAX_BYTES).toString('utf8')
  } catch (e) {
    if (e instanceof ReadRefused) {
      const r = e.refusal
      if (r.reason === 'too-large') throw new UkeyError('PROFILE_UNREADABLE', { key: 'error.profileTooLarge', params: { file, size: r.size, limit: r.limit }, cause: e })
      throw new UkeyError('PROFILE_UNREADABLE', { key: 'error.profileNotRegular', params: { file }, cause: e })
    }
    const code = (e as NodeJS.ErrnoException).code
    if (!explicit && code === 'ENOENT') return DEFAULT_PROFILE
    throw new UkeyError('PROFILE_UNREADABLE', { params: { file, detail: code ?? String(e) }, cause: e })
  }
  return parseProfile(text, file)
}
