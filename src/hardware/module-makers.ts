/**
 * PKCS#11 modules of the bank-key makers that are not among the FAQ's four
 * vendors (no vendor code on the printed number), but whose keys Chinese banks
 * hand out: found on a machine, they are loaded like a vendor's, so a key of
 * theirs is seen. Each name comes from the public source given beside it;
 * names that no public source gave are not guessed.
 * Not found: Haitai (海泰方圆) — no public source names its PKCS#11 module file.
 */
export interface ModuleMaker {
  id: string
  name: { 'zh-CN': string; en: string }
  modules: Partial<Record<NodeJS.Platform, string[]>>
  searchPaths: Partial<Record<NodeJS.Platform, string[]>>
}

export const MODULE_MAKERS: ModuleMaker[] = [
  {
    id: 'feitian',
    name: { 'zh-CN': '飞天诚信', en: 'Feitian' },
    modules: {
      // ePass2003 ("EnterSafe"): eps2003csp11.dll in System32, as the Feitian ePass2003 integrations
      // in public code load it (e.g. the eps2003csp11-interface library, Egypt's e-invoicing samples).
      // ePass3003: ShuttleCsp11_3003.dll, named for "Feitian … ePass 3003" in public PKCS#11 samples.
      // ePassNG (ePass2000/3000): ngp11v211.dll — demoiselle/signer Configuration.java @56144ff.
      win32: ['eps2003csp11.dll', 'ShuttleCsp11_3003.dll', 'ngp11v211.dll'],
      // demoiselle/signer Configuration.java @56144ff: ePass2003 libcastle.so.1.0.0
      // (/usr/lib/ePass2003-Linux-x64/x86_64/redist), ePassNG libepsng_p11.so (/usr/lib) and
      // libepsng_p11.so.1 (/usr/local/ngsrv).
      linux: ['libcastle.so.1.0.0', 'libepsng_p11.so', 'libepsng_p11.so.1'],
    },
    searchPaths: { linux: ['/usr/lib/ePass2003-Linux-x64/x86_64/redist', '/usr/local/ngsrv'] },
  },
  {
    id: 'longmai',
    name: { 'zh-CN': '龙脉', en: 'Longmai (mToken)' },
    // mToken GM3000: gm3000_pkcs11.dll (Longmai's PKCS#11 demo: PKCS11_LIB_NAME "gm3000_pkcs11.dll";
    // GM3000 SDK folders GM3000_2.1.1.0 and GM3000_2.2.19) and libgm3000_pkcs11.so (the Linux
    // mToken tool's lib/ folder; pkcs11-tool --module ./libgm3000_pkcs11.so). Its mtoken_gm3000.dll
    // is the GM/T 0016 SKF interface, not PKCS#11, and is not listed.
    modules: { win32: ['gm3000_pkcs11.dll'], linux: ['libgm3000_pkcs11.so'] },
    searchPaths: {},
  },
]
