#!/usr/bin/env bash
# The main job on the embedded lab (no hardware, no bank): sets up, makes a lab
# "USB key" (SoftHSM2) holding a certificate inside its renewal window, then does
# what a technician does at the counter: detect the key, show its certificate,
# check the window. Also checks a set of sample files, one per window state.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export OCLIF_SKIP_NEW_VERSION_CHECK=true
ukey() { node bin/run.js "$@"; }
lang="${UKEY_LANG:-zh-CN}"
dir="${UKEY_LAB_DIR:-$PWD/.lab}"
step() { printf '\n\033[1m$ ukey %s\033[0m\n' "$*"; }

step lab init --force --dir "$dir"
ukey lab init --force --dir "$dir" --lang "$lang"
step detect --lab
ukey detect --lab --lab-dir "$dir" --lang "$lang"
step show-cert --lab
ukey show-cert --lab --lab-dir "$dir" --lang "$lang"
# Exit codes 10–13 say "this certificate needs attention": that is the point of the lab.
step check-window --lab
ukey check-window --lab --lab-dir "$dir" --lang "$lang" || true
step lab samples
ukey lab samples --dir "$dir/samples" --lang "$lang"
step check-window "$dir/samples"
ukey check-window "$dir/samples" --lang "$lang" || true
