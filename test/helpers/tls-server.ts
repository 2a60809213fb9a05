import { generateKeyPairSync, webcrypto } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer as createTlsServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { createLabCa, x509 } from '../../src/lab/ca.js'
import { spkiOf } from '../../src/renewal/cmp/signer.js'
import { derToPem, pemToDer } from './openssl-cmp.js'

export interface TlsServer {
  server: Server
  /** https://127.0.0.1:PORT/pkix/ */
  url: string
  /** The lab CA (DER) that issued the server's certificate: the `ca` a client must be given. */
  caDer: Buffer
}

/** An HTTPS server on 127.0.0.1 whose certificate (IP SAN 127.0.0.1 only) a fresh lab CA issued. */
export async function tlsServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TlsServer> {
  const x = await x509()
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const
  const ca = await createLabCa(new Date())
  const caKey = await webcrypto.subtle.importKey('pkcs8', pemToDer(ca.keyPem), alg, false, ['sign'])
  const tlsKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
  const cert = await x.X509CertificateGenerator.create({
    serialNumber: '0a',
    subject: 'CN=127.0.0.1',
    issuer: new x.X509Certificate(ca.certPem).subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    publicKey: new x.PublicKey(spkiOf(tlsKey)),
    signingKey: caKey,
    signingAlgorithm: alg,
    extensions: [new x.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }])],
  })
  const server = createTlsServer({ key: tlsKey.export({ type: 'pkcs8', format: 'pem' }), cert: derToPem(Buffer.from(cert.rawData)) }, handler)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/pkix/`, caDer: pemToDer(ca.certPem) }
}
