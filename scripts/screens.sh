#!/usr/bin/env bash
# Captures docs/screens/*.zh.txt as a technician sees them: each command runs in a real
# terminal (tmux, 100 columns, zh_CN.UTF-8) on the embedded lab, the answers are typed
# with `send-keys` once their question is on the screen, and the whole pane is saved
# with `capture-pane`. A stream-reading test cannot see what the terminal draws: this is
# how the spinner drawing over the 0124 consent question was found (docs/screens/README.md).
#
#   bash scripts/screens.sh [OUT_DIR]      # default docs/screens
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-docs/screens}"
command -v tmux >/dev/null || { echo "tmux is missing: bash scripts/setup.sh installs it (Debian package tmux)" >&2; exit 1; }
[ -f dist/ukey.js ] || npm run --silent build
export OCLIF_SKIP_NEW_VERSION_CHECK=true
work=$(mktemp -d)
export XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" XDG_STATE_HOME="$work/state"
lab="$work/lab"
pin=123456 # the lab token's documented PIN (README), typed at the masked prompt
session="ukey-screens-$$"
serve_pid=
cleanup() {
  tmux kill-session -t "$session" 2>/dev/null || true
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
ukey() { node bin/run.js "$@"; }

# Waits until the pane shows TEXT (30 s at most).
wait_for() {
  for _ in $(seq 1 300); do
    tmux capture-pane -p -t "$session" -S -200 | grep -qF -- "$1" && return 0
    sleep 0.1
  done
  echo "screens: \"$1\" never appeared; the pane was:" >&2
  tmux capture-pane -p -t "$session" -S -200 >&2
  exit 1
}
type_line() { tmux send-keys -t "$session" -l "$1"; tmux send-keys -t "$session" Enter; }

# shot FILE COMMAND [QUESTION ANSWER]...: runs COMMAND in a fresh terminal, answers each
# QUESTION when it appears, waits for the exit code line and saves the pane to FILE.
shot() {
  local file=$1 cmd=$2
  shift 2
  tmux new-session -d -s "$session" -x 100 -y 60 \
    "env LANG=zh_CN.UTF-8 NO_COLOR=1 XDG_DATA_HOME='$XDG_DATA_HOME' XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_STATE_HOME='$XDG_STATE_HOME' bash -c \"node bin/run.js $cmd; rc=\\\$?; echo; echo \\\"[退出码 \\\$rc]\\\"; sleep 600\""
  while [ $# -ge 2 ]; do
    wait_for "$1"
    type_line "$2"
    shift 2
  done
  wait_for "[退出码"
  tmux capture-pane -p -t "$session" -S -200 | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' >"$out/$file"
  tmux kill-session -t "$session"
  # Typed too early (before the masked prompt) the terminal echoes the PIN: such a screen is not kept.
  if grep -qF -- "$pin" "$out/$file"; then echo "screens: the PIN is visible in $out/$file" >&2; exit 1; fi
  echo "$out/$file"
}

ukey lab init --force --dir "$lab" --expires-in 20 >/dev/null
shot diagnose-0124.zh.txt "diagnose 0124 --lab --lab-dir '$lab'" "测试生成密钥对吗" 是 "的 PIN 码（直接回车" "$pin"
shot diagnose-0116.zh.txt "diagnose 0116 --lab --lab-dir '$lab'" "的 PIN 码（直接回车" "$pin" "仍然出现该错误" 否
shot diagnose-4037.zh.txt "diagnose 403.7 --lab --lab-dir '$lab'" "的 PIN 码（直接回车" "$pin" "仍然出现该错误" 是

# The renewal against the lab's CMP server, on a free port, for the length of this script.
node bin/run.js lab serve --dir "$lab" --port 0 2>"$work/serve.log" &
serve_pid=$!
for _ in $(seq 1 100); do grep -q 'CMP server on' "$work/serve.log" 2>/dev/null && break; sleep 0.1; done
url="$(grep -o 'http://127.0.0.1:[0-9]*/pkix/' "$work/serve.log" | head -1)"
[ -n "$url" ] || { echo "screens: lab serve did not start" >&2; cat "$work/serve.log" >&2; exit 1; }
shot renew.zh.txt "renew --lab --lab-dir '$lab' --server '$url'" "现在换证吗" 是 "的 PIN 码（直接回车" "$pin"
