import { Flags } from '@oclif/core'

/** Flags of every command that reaches a USB key through PKCS#11. */
export const moduleFlags = {
  module: Flags.string({ helpGroup: 'TOKEN' }),
  lab: Flags.boolean({ helpGroup: 'TOKEN' }),
  'lab-dir': Flags.string({ helpGroup: 'TOKEN' }),
}

export const selectFlags = {
  serial: Flags.string({ helpGroup: 'TOKEN' }),
  label: Flags.string({ helpGroup: 'TOKEN' }),
}

/**
 * System certificate stores. Only Windows' today (CurrentUser\My through crypt32);
 * NSS and the macOS Keychain would be other names here.
 */
export const storeFlags = {
  store: Flags.string({ description: "read the user's Windows certificate store (my: Personal), where the bank's enrolment or the vendor's tool installs the certificate; Windows only", options: ['my'] }),
}

export const pinFlags = {
  'pin-stdin': Flags.boolean({ helpGroup: 'TOKEN' }),
  force: Flags.boolean({ helpGroup: 'TOKEN' }),
  login: Flags.boolean({ helpGroup: 'TOKEN' }),
}
