# Every external program or system package ukey's scripts and tests use, with its Debian
# package: the one list. scripts/setup.sh installs the "test" rows (and the "bench" rows
# with UKEY_SETUP_BENCH=1); test/global-setup.ts refuses to start the suite when a "test"
# tool is missing and names its package, instead of letting a test fail on empty output.
# A tool of "-" is a library or module package with no command to look for.
ukey_tools() {
  cat <<'TOOLS'
softhsm2-util     softhsm2                test    the lab token and the tests' PKCS#11 token
pkcs11-tool       opensc                  test    independent PKCS#11 witness in tests; bench/renew by hand
p11tool           gnutls-bin              test    second independent PKCS#11 witness (test/integration/pkcs11.test.ts)
umockdev-run      umockdev                test    simulated USB keys (node-hid under umockdev)
openssl           openssl                 test    CMP peer (openssl cmp), test certificates
python3           python3                 test    the pty harness (test/helpers/pty-run.py), the hot-plug driver
-                 python3-gi              test    umockdev's GObject bindings for the hot-plug driver
-                 gir1.2-umockdev-1.0     test    the same
-                 libusb-1.0-0            test    node-hid / usb at run time
-                 libudev1                test    node-hid's hidraw backend
-                 python3-pykcs11         test    a third PKCS#11 witness, for attributes neither tool prints (CKA_ISSUER)
gcc               gcc                     test    builds the stub PKCS#11 module and the structure-layout checks (tests only: installing ukey needs no compiler)
-                 libc6-dev               test    the same
-                 libp11-kit-dev          test    pkcs11.h for the stub module and the layout checks
x86_64-w64-mingw32-gcc gcc-mingw-w64-x86-64 test  the stub module as a 64-bit Windows DLL
i686-w64-mingw32-gcc gcc-mingw-w64-i686   test    the stub module as a 32-bit Windows DLL (the bitness finding)
man               man-db                  test    renders the generated man pages (man -l dist/man/ukey.1)
zsh               zsh                     test    loads the generated zsh completion script (zsh -n)
fish              fish                    test    loads the generated fish completion script and asks it for completions
tinyproxy         tinyproxy-bin           test    a real HTTP proxy for the proxy tests (the program only: no system service)
tmux              tmux                    test    a real terminal for the captured screens (scripts/screens.sh, docs/screens)
/usr/lib/wine/wine64 wine64               test    the Windows suite runs Node's own node.exe under Wine (scripts/test-windows.sh)
hyperfine         hyperfine               bench   whole-process timings
/usr/bin/time     time                    bench   peak RSS
-                 python3-cryptography    bench   the Python peer in bench/check-window
-                 libengine-pkcs11-openssl bench  openssl cmp through the token (bench/renew by hand)
TOOLS
}
