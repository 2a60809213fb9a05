import { Flags } from '@oclif/core'

/** Flags of every command that reaches a USB key through PKCS#11. */
export const moduleFlags = {
  module: Flags.string({ description: 'PKCS#11 module to load instead of discovery (also UKEY_PKCS11_MODULE)', helpGroup: 'TOKEN' }),
  lab: Flags.boolean({ description: 'use the embedded lab (its token and profile), not a bank', helpGroup: 'TOKEN' }),
  'lab-dir': Flags.string({ description: 'the lab folder (default: under the user data directory)', helpGroup: 'TOKEN' }),
}

export const selectFlags = {
  serial: Flags.string({ description: 'the key with this serial number, when several are plugged in', helpGroup: 'TOKEN' }),
  label: Flags.string({ description: 'the key with this token label', helpGroup: 'TOKEN' }),
}

/**
 * System certificate stores. Only Windows' today (CurrentUser\My through crypt32);
 * NSS and the macOS Keychain would be other names here.
 */
export const storeFlags = {
  store: Flags.string({ description: "read the user's Windows certificate store (my: Personal), where the bank's enrolment or the vendor's tool installs the certificate; Windows only", options: ['my'] }),
}

export const pinFlags = {
  'pin-stdin': Flags.boolean({ description: 'read the PIN from the first line of standard input (else UKEY_PIN, else a masked prompt)', helpGroup: 'TOKEN' }),
  force: Flags.boolean({ description: 'log in even when the key reports its final PIN try', helpGroup: 'TOKEN' }),
  login: Flags.boolean({ description: 'log in with the PIN first: checks the PIN and that each certificate still has its private key', helpGroup: 'TOKEN' }),
}
