import { Duplex } from 'node:stream'

/**
 * A stream standing in for a CMP server's connection (transfer.ts `connection`): it
 * takes the request and answers `body` as HTTP 200 application/pkixcmp, then ends.
 * Nothing reaches the network. The rehearsal (client.ts rehearseExchange) runs the
 * HTTP client over it while the token generates the key: a process's first request
 * otherwise spends ~4 ms of cold code between asking and sending (bench/README.md,
 * session 7).
 */
export function answeringStream(body: Buffer): Duplex {
  const head = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/pkixcmp\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`, 'latin1')
  let answered = false
  return new Duplex({
    write(_chunk, _encoding, done) {
      // Answered as the request comes in; the client reads an early answer as it reads any.
      if (!answered) {
        answered = true
        this.push(Buffer.concat([head, body]))
        this.push(null)
      }
      done()
    },
    read() {},
  })
}
