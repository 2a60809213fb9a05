#!/usr/bin/env bash
# The main job on the embedded lab (no hardware, no bank): sets up, makes sample
# certificates in every renewal-window state, and checks them as a technician would.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export OCLIF_SKIP_NEW_VERSION_CHECK=true
ukey() { node bin/run.js "$@"; }
dir="${UKEY_LAB_DIR:-.lab}/samples"

ukey lab samples --dir "$dir"
echo
# Exit codes 10–13 mean "certificates need attention", which is what the samples show.
ukey check-window "$dir" --lang "${UKEY_LANG:-zh-CN}" || true
echo
ukey show-cert "$dir/renewable.pem" --lang "${UKEY_LANG:-zh-CN}"
