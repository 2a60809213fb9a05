#!/usr/bin/env node
// `ukey check-window FILES...` with a plain command line starts without oclif
// (dist/fast/, bench/README.md): that module decides, and anything it does not
// take runs through oclif as every other command does. UKEY_NO_FAST_PATH=1
// always takes oclif (the tests compare both paths).
const argv = process.argv.slice(2)
const fast = argv[0] === 'check-window' && !process.env.UKEY_NO_FAST_PATH ? await import('../dist/fast/check-window.js') : undefined
if (!fast?.tryCheckWindow(argv.slice(1))) {
  const { main } = await import('../dist/ukey.js')
  void main()
}
