import net from 'node:net'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { rehearseExchange } from '../../src/renewal/cmp/client.js'
import { makeTestPki, type TestPki } from '../helpers/openssl-cmp.js'

// The rehearsal runs the exchange's code while the token generates the new key
// (src/renewal/steps/key-update.ts). It must get through every part it stands in
// for (a rehearsal that throws half-way warms nothing, and its failure is
// swallowed by design), and it must never reach the network: the request it
// builds is signed with filler, not by the customer's key.
let rsa: TestPki
let ec: TestPki
beforeAll(async () => {
  rsa = await makeTestPki({ oldKey: 'rsa', newKey: 'rsa' })
  ec = await makeTestPki({ oldKey: 'ec', newKey: 'ec' })
})
afterEach(() => vi.restoreAllMocks())

describe('rehearseExchange', () => {
  for (const [name, p, algorithm] of [
    ['RSA', () => rsa, 'RSA-PKCS-SHA256'],
    ['EC', () => ec, 'ECDSA-SHA256'],
  ] as const) {
    it(`gets through the whole exchange for an ${name} credential without opening a connection`, async () => {
      const connect = vi.spyOn(net.Socket.prototype, 'connect')
      await expect(rehearseExchange({ oldCert: p().oldDer, trusted: [p().caDer], algorithm }, new Date())).resolves.toBeUndefined()
      expect(connect).not.toHaveBeenCalled()
    })
  }

  it('gets through without trust anchors (a profile naming none)', async () => {
    await expect(rehearseExchange({ oldCert: rsa.oldDer, trusted: [], algorithm: 'RSA-PKCS-SHA256' }, new Date())).resolves.toBeUndefined()
  })

  it('fails plainly on a certificate it cannot read (the step ignores it; the request then fails for real)', async () => {
    await expect(rehearseExchange({ oldCert: Buffer.from('not a certificate'), trusted: [rsa.caDer], algorithm: 'RSA-PKCS-SHA256' }, new Date())).rejects.toThrow()
  })
})
