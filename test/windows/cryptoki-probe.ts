// Run by node.exe under Wine (test/windows/cryptoki.test.ts bundles it next to the Windows checkout's
// node_modules): loads a PKCS#11 module through ukey's binding and writes what it read to a file as
// JSON (node.exe under Wine cannot write to a pipe). Bigints are written as decimal strings.
import { writeFileSync } from 'node:fs'
import { Cryptoki } from '../../src/hardware/pkcs11/cryptoki.js'
import { hostAbi } from '../../src/hardware/pkcs11/cryptoki-abi.js'
import { loadKoffiFrom } from '../../src/platform/koffi.js'

const [modulePath, outFile] = process.argv.slice(2) as [string, string]
let result: Record<string, unknown>
try {
  const ck = Cryptoki.load(modulePath)
  ck.initialize()
  try {
    const slots = ck.getSlotList(false)
    const withToken = ck.getSlotList(true)
    result = {
      platform: process.platform,
      arch: process.arch,
      abi: hostAbi(),
      // Where koffi came from: its win32 addon directly, not through koffi's own loader (src/platform/koffi.ts).
      koffi: loadKoffiFrom().path,
      info: ck.getInfo(),
      slots,
      slotInfo: ck.getSlotInfo(withToken[0]!),
      emptySlotInfo: ck.getSlotInfo(slots.find((s) => !withToken.includes(s))!),
      tokenInfo: ck.getTokenInfo(withToken[0]!),
    }
  } finally {
    ck.finalize()
  }
} catch (e) {
  result = { platform: process.platform, arch: process.arch, error: e instanceof Error ? e.message : String(e) }
}
writeFileSync(outFile, JSON.stringify(result, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString(10) : v)))
