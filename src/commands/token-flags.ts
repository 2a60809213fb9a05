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

export const pinFlags = {
  'pin-stdin': Flags.boolean({ helpGroup: 'TOKEN' }),
  force: Flags.boolean({ helpGroup: 'TOKEN' }),
  login: Flags.boolean({ helpGroup: 'TOKEN' }),
}
