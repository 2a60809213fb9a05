#!/usr/bin/env bash
# The main job on the embedded lab (no hardware, no bank): sets up, makes a lab
# "USB key" (SoftHSM2) holding a certificate inside its renewal window, then does
# what a technician does at the counter: detect the key, show its certificate,
# check the window, and renew it against the lab's CMP server (started in the
# background, stopped at the end), then show the new certificate. Also checks a
# set of sample files, one per window state.
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
# The renewal: the lab CA as the bank's CMP server, in the background for the length of this script.
# Port 0: any free port (another lab, a bench, may hold 18080); UKEY_LAB_PORT to choose one.
port="${UKEY_LAB_PORT:-0}"
log="$dir/serve.log"
step "lab serve --port $port &"
# node directly, not the ukey() function: $! must be the server itself, or the kill below stops only a subshell.
node bin/run.js lab serve --dir "$dir" --port "$port" --lang "$lang" 2>"$log" &
serve_pid=$!
trap 'kill "$serve_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q 'CMP server on' "$log" 2>/dev/null && break; kill -0 "$serve_pid" 2>/dev/null || { cat "$log"; exit 1; }; sleep 0.1; done
cat "$log"
url="$(grep -o 'http://127.0.0.1:[0-9]*/pkix/' "$log" | head -1)"
[ -n "$url" ] || { echo "lab serve did not start" >&2; exit 1; }
server=(--server "$url")
# The lab token's PIN is documented (README); a real key's PIN comes from a masked prompt.
export UKEY_PIN="${UKEY_PIN:-123456}"
step renew --lab --dry-run
ukey renew --lab --lab-dir "$dir" "${server[@]}" --dry-run --lang "$lang"
step renew --lab --yes
ukey renew --lab --lab-dir "$dir" "${server[@]}" --yes --lang "$lang"
step show-cert --lab
ukey show-cert --lab --lab-dir "$dir" --lang "$lang"
step renew --status --lab
ukey renew --status --lab --lab-dir "$dir" --lang "$lang"
# The customer comes back with "0116": the walk finds the renewal already done (exit 0) — or says what to do.
step diagnose 0116 --lab --no-input
ukey diagnose 0116 --lab --lab-dir "$dir" --no-input --lang "$lang" || true
kill "$serve_pid" 2>/dev/null || true
wait "$serve_pid" 2>/dev/null || true
printf '\n[LAB] CMP server log:\n'; cat "$log"

step lab samples
ukey lab samples --dir "$dir/samples" --lang "$lang"
step check-window "$dir/samples"
ukey check-window "$dir/samples" --lang "$lang" || true
