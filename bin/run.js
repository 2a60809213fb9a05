#!/usr/bin/env node
// `ukey check-window|detect|diagnose|renew …` with a plain command line start without
// oclif (dist/fast/, bench/README.md): that module decides, and anything it does
// not take runs through oclif as every other command does. UKEY_NO_FAST_PATH=1
// always takes oclif (the tests compare both paths).
const argv = process.argv.slice(2)
const FAST = ['check-window', 'detect', 'diagnose', 'renew']
const fast = FAST.includes(argv[0]) && !process.env.UKEY_NO_FAST_PATH ? await import('../dist/fast/entry.js') : undefined
if (!fast?.tryRun(argv[0], argv.slice(1))) {
  const { main } = await import('../dist/ukey.js')
  void main()
}
