#!/usr/bin/env bash
# Installs what ukey needs on Debian 12 / Ubuntu with Node 20: system packages
# through apt-get when missing, npm packages from the lockfile, then builds.
# Safe to rerun: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# --- Node ------------------------------------------------------------------
if ! command -v node >/dev/null; then
  echo "ukey needs Node.js 20 or newer (node was not found)." >&2; exit 1
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "ukey needs Node.js 20 or newer (found $(node --version))." >&2; exit 1
fi

# --- System packages -------------------------------------------------------
# softhsm2: the lab token (PKCS#11); opensc: pkcs11-tool, an independent witness;
# umockdev: simulated USB keys; libusb/libudev: node-hid at run time; openssl: CMP peer.
# python3-gi + gir1.2-umockdev-1.0: umockdev's API, which the hot-plug test drives.
# wine64: the Windows suite runs Node's own node.exe under it (scripts/test-windows.sh);
# gcc + mingw-w64 (i686, x86_64): the tests build tiny ELF and PE modules to read their machine type.
pkgs=(softhsm2 opensc umockdev libusb-1.0-0 libudev1 openssl python3-gi gir1.2-umockdev-1.0
  wine64 gcc gcc-mingw-w64-x86-64 gcc-mingw-w64-i686)
[ "${UKEY_SETUP_BENCH:-0}" = 1 ] && pkgs+=(hyperfine python3-cryptography time)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "Please install: ${missing[*]} (apt-get not found)." >&2; exit 1
  fi
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then sudo="sudo"; else
      echo "Missing packages ${missing[*]}: run as root or install sudo." >&2; exit 1
    fi
  fi
  say "apt-get install ${missing[*]}"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- npm packages ----------------------------------------------------------
stamp=node_modules/.ukey-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi

# --- Build -----------------------------------------------------------------
say "build"
npm run --silent build
