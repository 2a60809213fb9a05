#!/usr/bin/env bash
# renew benchmark: `ukey renew --lab --yes` against the same renewal done by hand
# (bench/renew/by-hand.sh: pkcs11-tool --keypairgen, openssl cmp -cmd kur through
# the pkcs11 engine, pkcs11-tool --write-object / --delete-object), both on a
# fresh embedded lab (SoftHSM2 token + `ukey lab serve`) per iteration. Prints a
# Markdown report (medians, ukey ÷ by hand, the key generation share) and writes
# it to bench/out/renew-<date>.md.
#
#   bash bench/renew/run.sh            # 21 iterations (+1 warm-up)
#   RUNS=10 bash bench/renew/run.sh
#
# Optional env: RUNS (21: key generation's luck evens out slowly; bench/README.md,
# session 9), WARMUP (1: iterations run first and not counted),
# UKEY_PIN (the lab token's PIN; default 123456, the lab default).
set -euo pipefail
# Node start-up as users see it: this machine and CI set NODE_EXTRA_CA_CERTS,
# which adds ~75 ms to every Node start (shared notes, stack.md).
unset NODE_EXTRA_CA_CERTS
export OCLIF_SKIP_NEW_VERSION_CHECK=true

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT="$ROOT/bench/out"
TMP="$OUT/tmp-renew"
cd "$ROOT"
RUNS=${RUNS:-21}
WARMUP=${WARMUP:-1}
export UKEY_PIN=${UKEY_PIN:-123456}
STAMP=$(date +%Y-%m-%dT%H%M%S)
log() { printf '· %s\n' "$*" >&2; }

# ------------------------------------------------------------------ tools
# softhsm2: the lab token; opensc: pkcs11-tool; openssl: openssl cmp;
# libengine-pkcs11-openssl: the pkcs11 engine that lets openssl sign with token
# keys (Debian 12 has no pkcs11-provider package; OpenSSL 3.0 still loads engines).
pkgs=(softhsm2 opensc openssl libengine-pkcs11-openssl)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "missing ${missing[*]}: install them (Debian packages) or run as root" >&2; exit 1; }
    sudo=sudo
  fi
  command -v apt-get >/dev/null || { echo "missing ${missing[*]} (apt-get not found)" >&2; exit 1; }
  log "apt-get install ${missing[*]}"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
MODULE=/usr/lib/softhsm/libsofthsm2.so
[ -f "$MODULE" ] || { echo "no SoftHSM2 module at $MODULE" >&2; exit 1; }
[ -n "${EPOCHREALTIME:-}" ] || { echo "needs bash ≥ 5 (EPOCHREALTIME)" >&2; exit 1; }

# ------------------------------------------------------------------ ukey snapshot
# Others rebuild dist/ while this runs (the build removes it first): use a private
# copy of bin/ + dist/ + package.json taken once dist/ has been still for 5 s.
# Packages left external resolve from the node_modules above bench/out/.
dist_ready() { [ -f "$ROOT/dist/ukey.js" ]; }
newest_in() { { find "$1" -type f -printf '%T@\n' 2>/dev/null || true; } | sort -n | tail -n 1; }
if ! dist_ready; then log "dist/ missing: npm run build"; npm run --silent build >&2; fi
for _ in $(seq 120); do
  newest=$(newest_in "$ROOT/dist")
  if dist_ready && [ -n "$newest" ] && node -e "process.exit(Date.now() / 1000 - $newest > 5 ? 0 : 1)"; then break; fi
  sleep 1
done
SNAP="$OUT/renew-snapshot"
rm -rf "$SNAP" "$TMP"
mkdir -p "$SNAP" "$TMP"
cp -a "$ROOT/bin" "$ROOT/dist" "$ROOT/package.json" "$SNAP/"
SNAP_TIME=$(date -d "@$(newest_in "$SNAP/dist")" '+%Y-%m-%d %H:%M:%S')
ukey() { node "$SNAP/bin/run.js" "$@"; }

# ------------------------------------------------------------------ one lab
serve_pid=""
stop_server() {
  if [ -n "$serve_pid" ]; then kill "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; serve_pid=""; fi
}
trap stop_server EXIT
# lab_up DIR: a fresh lab whose certificate expires in 20 days, and its CMP
# server on a free port; sets PORT.
lab_up() {
  local d=$1
  ukey lab init --dir "$d" --force --expires-in 20 --lang en >/dev/null
  # node itself in the background (not the ukey function: its subshell would
  # take the kill and leave node running).
  node "$SNAP/bin/run.js" lab serve --dir "$d" --port 0 --lang en 2>"$d/serve.log" >/dev/null &
  serve_pid=$!
  PORT=""
  for _ in $(seq 200); do
    # `|| true`: under load the background job may not have created serve.log yet (sed exits 2, set -e would stop).
    PORT=$(sed -n 's#.*CMP server on http://127\.0\.0\.1:\([0-9]*\)/.*#\1#p' "$d/serve.log" 2>/dev/null | head -n 1 || true)
    [ -n "$PORT" ] && break
    kill -0 "$serve_pid" 2>/dev/null || { cat "$d/serve.log" >&2; exit 1; }
    sleep 0.05
  done
  [ -n "$PORT" ] || { echo "lab serve did not start" >&2; cat "$d/serve.log" >&2; exit 1; }
}
# check DIR TOOL: the token holds exactly one key pair and one certificate, under
# a new CKA_ID, the certificate chains to the lab CA, and the server recorded the
# renewal. Outside the timed part.
check() {
  local d=$1 tool=$2 listing ids
  listing=$(SOFTHSM2_CONF="$d/softhsm2.conf" pkcs11-tool --module "$MODULE" --login --pin env:UKEY_PIN -O 2>/dev/null)
  ids=$(printf '%s\n' "$listing" | awk '/^(Certificate|Private Key|Public Key) Object/ { k = $1 } /^ +ID:/ { print k, $2 }' | sort)
  node - "$d" "$tool" "$ids" <<'EOF'
const [dir, tool, ids] = process.argv.slice(2)
const lab = require(`${dir}/lab.json`)
const rows = ids.split('\n').filter(Boolean).map((l) => l.split(' '))
const kinds = rows.map((r) => r[0]).sort().join(',')
const distinct = new Set(rows.map((r) => r[1]))
const bad = (why) => { console.error(`${tool} (${dir}): ${why}\n${ids}`); process.exit(1) }
if (kinds !== 'Certificate,Private,Public') bad('not exactly one key pair and one certificate')
if (distinct.size !== 1) bad('the key pair and the certificate do not share one CKA_ID')
if (distinct.has(lab.certificate.id)) bad('the old CKA_ID is still there')
const renewals = require(`${dir}/renewals.json`).renewals
// The server's key: the serial's hex without leading zero octets (src/lab/cmp-server.ts serialHexOf).
if (!renewals[lab.certificate.serial.replace(/^(00)+(?=.)/, '')]) bad('the server did not record the renewal')
console.log([...distinct][0])
EOF
}
verify_chain() { # DIR ID: the stored certificate chains to the lab CA and carries the stored public key
  local d=$1
  SOFTHSM2_CONF="$d/softhsm2.conf" pkcs11-tool --module "$MODULE" --read-object --type cert --id "$2" -o "$d/stored.der" >/dev/null 2>&1
  SOFTHSM2_CONF="$d/softhsm2.conf" pkcs11-tool --module "$MODULE" --read-object --type pubkey --id "$2" -o "$d/stored-pub.der" >/dev/null 2>&1
  openssl x509 -inform der -in "$d/stored.der" -out "$d/stored.pem"
  openssl verify -CAfile "$d/ca.crt" "$d/stored.pem" >/dev/null || { echo "$d: stored certificate does not chain to the lab CA" >&2; exit 1; }
  cmp -s <(openssl x509 -in "$d/stored.pem" -noout -pubkey | openssl pkey -pubin -outform der) \
    <(openssl pkey -pubin -inform der -in "$d/stored-pub.der" -outform der) \
    || { echo "$d: the stored certificate is not for the stored key" >&2; exit 1; }
}
us() { local t=${EPOCHREALTIME/./}; echo "${t#0}"; }
RESULTS="$TMP/results.jsonl"
: > "$RESULTS"
measure() { # ITER TOOL
  local i=$1 tool=$2 d="$TMP/lab-$1-$2" t0 t1 load id
  lab_up "$d"
  load=$(cut -d' ' -f1 /proc/loadavg)
  if [ "$tool" = ukey ]; then
    t0=$(us)
    ukey renew --lab --lab-dir "$d" --server "http://127.0.0.1:$PORT/pkix/" --yes --json > "$d/renew.json" 2>"$d/renew.err" \
      || { echo "ukey renew failed (iteration $i):" >&2; cat "$d/renew.err" "$d/renew.json" >&2; exit 1; }
    t1=$(us)
  else
    # What the user knows beforehand (module, conf, old CKA_ID), read outside the timed part.
    IFS=$'\t' read -r MODULE_ SOFTHSM2_CONF_ OLD_ID_ < <(node -p 'const l = require(process.argv[1]); [l.module, l.conf, l.certificate.id].join("\t")' "$d/lab.json")
    t0=$(us)
    MODULE=$MODULE_ SOFTHSM2_CONF=$SOFTHSM2_CONF_ OLD_ID=$OLD_ID_ bash "$HERE/by-hand.sh" "$d" "127.0.0.1:$PORT" "$d/steps.tsv" \
      || { echo "by-hand renewal failed (iteration $i)" >&2; exit 1; }
    t1=$(us)
  fi
  stop_server
  id=$(check "$d" "$tool")
  verify_chain "$d" "$id"
  node -e '
    const fs = require("fs")
    const [i, tool, dir, us, load] = process.argv.slice(1)
    let steps
    if (tool === "ukey") steps = Object.fromEntries(JSON.parse(fs.readFileSync(`${dir}/renew.json`, "utf8")).steps.map((s) => [s.step, s.ms]))
    else steps = Object.fromEntries(fs.readFileSync(`${dir}/steps.tsv`, "utf8").trim().split("\n").map((l) => l.split("\t")).map(([k, v]) => [k, +v]))
    fs.appendFileSync(process.env.RESULTS, JSON.stringify({ iter: +i, tool, ms: us / 1000, load: +load, steps }) + "\n")
  ' "$i" "$tool" "$d" "$((t1 - t0))" "$load"
  log "$(printf 'iteration %s %-7s %6.0f ms (load %s)' "$i" "$tool" "$(( (t1 - t0) / 1000 ))" "$load")"
}
export RESULTS

# ------------------------------------------------------------------ run
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
log "ukey snapshot of $SNAP_TIME; $RUNS iterations + $WARMUP warm-up; load $LOAD_START"
for ((i = 1 - WARMUP; i <= RUNS; i++)); do
  # Alternate who goes first, so that a burst of load from other work hits both alike.
  if (( (i + 2) % 2 == 1 )); then order="ukey hand"; else order="hand ukey"; fi
  for tool in $order; do measure "$i" "$tool"; done
done
# Start-up reference: what one process start costs each side (ukey is one Node
# process; the by-hand flow starts pkcs11-tool 6 times and openssl 3 times).
STARTUP="$TMP/startup.json"
if command -v hyperfine >/dev/null; then
  log "start-up reference (hyperfine)"
  d="$TMP/lab-startup"
  ukey lab init --dir "$d" --force --lang en >/dev/null
  SOFTHSM2_CONF="$d/softhsm2.conf" hyperfine -N --warmup 2 --runs 15 --export-json "$STARTUP" \
    -n 'node -e 0' 'node -e 0' \
    -n 'ukey --version' "node $SNAP/bin/run.js --version" \
    -n 'ukey renew --status --lab' "node $SNAP/bin/run.js renew --status --lab --lab-dir $d --json" \
    -n 'pkcs11-tool -L' "pkcs11-tool --module $MODULE -L" \
    -n 'openssl version' 'openssl version' >/dev/null 2>&1 || rm -f "$STARTUP"
fi
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# ------------------------------------------------------------------ report
REPORT="$OUT/renew-$STAMP.md"
export RUNS WARMUP LOAD_START LOAD_END SNAP_TIME
export MACHINE="$(nproc) cores ($(lscpu 2>/dev/null | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2; exit }')), $(free -g | awk '/^Mem:/ { print $2 " GiB" }'), Linux $(uname -r)"
export VERSIONS="node $(node --version), $(openssl version | cut -d' ' -f1-2), OpenSC pkcs11-tool $(dpkg-query -W -f='${Version}' opensc), SoftHSM $(dpkg-query -W -f='${Version}' softhsm2), libp11 engine $(dpkg-query -W -f='${Version}' libengine-pkcs11-openssl)"
export COMMIT="$(git log -1 --format='%h' 2>/dev/null || echo '?')"
export DIRTY="$(git status --porcelain -- src bin package.json 2>/dev/null | wc -l)"
node "$HERE/report.mjs" "$RESULTS" "$STARTUP" | tee "$REPORT"
log "report: ${REPORT#"$ROOT"/}"
rm -rf "$TMP"
