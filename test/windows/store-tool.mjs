// Puts certificates into the Windows user store (CurrentUser\My) as an
// enrolment page or a vendor tool would: through crypt32. Run by node.exe under
// Wine from the test (test/helpers/wine.ts), never by ukey itself.
//   node.exe store-tool.mjs WIN_ROOT clear
//   node.exe store-tool.mjs WIN_ROOT add CERT.der [PROVIDER CONTAINER]
// PROVIDER/CONTAINER set CERT_KEY_PROV_INFO_PROP_ID: the CSP/KSP said to hold
// the certificate's private key (which vendor's USB key).
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const [winRoot, command, ...rest] = process.argv.slice(2)
// koffi of the Windows checkout (its win32 prebuild), not this checkout's Linux one.
const require = createRequire(import.meta.url)
const koffi = require(require.resolve('koffi', { paths: [winRoot] }))

const crypt32 = koffi.load('crypt32.dll')
// CRYPT_KEY_PROV_INFO written out again from wincrypt.h, not shared with
// src/hardware/stores/windows-store.ts: this tool is the independent witness (as
// pkcs11-tool is for the PKCS#11 code), so a wrong layout there cannot hide here.
const KEY_PROV_INFO = koffi.struct({
  pwszContainerName: 'str16',
  pwszProvName: 'str16',
  dwProvType: 'uint32_t',
  dwFlags: 'uint32_t',
  cProvParam: 'uint32_t',
  rgProvParam: 'void *',
  dwKeySpec: 'uint32_t',
})
const f = (name, result, args) => crypt32.func('__stdcall', name, result, args)
const openSystemStore = f('CertOpenSystemStoreW', 'void *', ['void *', 'str16'])
const closeStore = f('CertCloseStore', 'bool', ['void *', 'uint32_t'])
const free = f('CertFreeCertificateContext', 'bool', ['void *'])
const addEncoded = f('CertAddEncodedCertificateToStore', 'bool', ['void *', 'uint32_t', 'void *', 'uint32_t', 'uint32_t', koffi.out(koffi.pointer('void *'))])
const setProperty = f('CertSetCertificateContextProperty', 'bool', ['void *', 'uint32_t', 'uint32_t', koffi.pointer(KEY_PROV_INFO)])

const X509_ASN_ENCODING = 1
const CERT_STORE_ADD_REPLACE_EXISTING = 3
const CERT_KEY_PROV_INFO_PROP_ID = 2
const PROV_RSA_FULL = 1
const AT_KEYEXCHANGE = 1

if (command === 'clear') {
  // The user's My store lives in HKCU\Software\Microsoft\SystemCertificates\MY.
  // Wine 8's crypt32 returns TRUE from CertDeleteCertificateFromStore but never
  // removes the entry from the registry (measured: the certificates are back in
  // the next process), so the test empties the registry key itself.
  const advapi32 = koffi.load('advapi32.dll')
  const deleteTree = advapi32.func('__stdcall', 'RegDeleteTreeW', 'int32_t', ['void *', 'str16'])
  const HKEY_CURRENT_USER = 0xffffffff80000001n // (HKEY)(ULONG_PTR)(LONG)0x80000001, sign-extended on 64-bit
  const status = deleteTree(HKEY_CURRENT_USER, 'Software\\Microsoft\\SystemCertificates\\MY\\Certificates')
  if (status !== 0 && status !== 2 /* ERROR_FILE_NOT_FOUND: already empty */) throw new Error(`RegDeleteTreeW: ${status}`)
  process.exit(0)
}

const store = openSystemStore(null, 'MY')
if (!store) throw new Error('CertOpenSystemStoreW(MY) failed')
try {
  if (command === 'add') {
    const [file, provider, container] = rest
    const der = readFileSync(file)
    const out = [null]
    if (!addEncoded(store, X509_ASN_ENCODING, der, der.length, CERT_STORE_ADD_REPLACE_EXISTING, out)) throw new Error(`CertAddEncodedCertificateToStore failed for ${file}`)
    if (provider) {
      const info = { pwszContainerName: container ?? '', pwszProvName: provider, dwProvType: PROV_RSA_FULL, dwFlags: 0, cProvParam: 0, rgProvParam: null, dwKeySpec: AT_KEYEXCHANGE }
      if (!setProperty(out[0], CERT_KEY_PROV_INFO_PROP_ID, 0, info)) throw new Error('CertSetCertificateContextProperty failed')
    }
    free(out[0])
  } else {
    throw new Error(`unknown command ${command}`)
  }
} finally {
  closeStore(store, 0)
}
