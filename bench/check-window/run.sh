#!/usr/bin/env bash
# check-window benchmark: ukey against (a) an openssl shell loop, (b) one Python
# process with `cryptography`, (c) Node merely reading the files, plus single-file
# latency against `node -e 0`. One run, one machine; prints a Markdown table and
# writes it to bench/out/check-window-<date>.md.
#
#   bash bench/check-window/run.sh                      # 10,000 and 100,000 files
#   BENCH_SIZES=10000 bash bench/check-window/run.sh    # quick run
#
# Optional env: BENCH_SIZES (default "10000 100000"), BENCH_OPENSSL_SAMPLE (500),
# BENCH_OPENSSL_RUNS (2), BENCH_PYTHONS (default: every one of `python3` on PATH
# and /usr/bin/python3 that imports cryptography).
set -euo pipefail
# Start-up is measured as users see it: this machine and CI set NODE_EXTRA_CA_CERTS,
# which adds ~75 ms to every Node start (see shared notes, stack.md).
unset NODE_EXTRA_CA_CERTS

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT="$ROOT/bench/out"
TMP="$OUT/tmp-check-window"
cd "$ROOT"
mkdir -p "$OUT" "$TMP"

SIZES=${BENCH_SIZES:-"10000 100000"}
OSSL_SAMPLE=${BENCH_OPENSSL_SAMPLE:-500}
OSSL_RUNS=${BENCH_OPENSSL_RUNS:-2}
STAMP=$(date +%Y-%m-%dT%H%M%S)
FINAL_REPORT="$OUT/check-window-$STAMP.md"
REPORT="$TMP/report.md" # moved to FINAL_REPORT when the run succeeds

log() { printf '· %s\n' "$*" >&2; }
calc() { node -e "const v=+($1); console.log(Number.isFinite(v) ? v.toFixed(${2:-2}) : 'n/a')"; }

# ------------------------------------------------------------------ tools
need_apt() { # command package
  if ! command -v "$1" >/dev/null 2>&1 && [ ! -x "$1" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      log "installing $2 (apt)"
      apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
    else
      echo "missing $1: install the Debian package $2" >&2
      exit 1
    fi
  fi
}
need_apt hyperfine hyperfine
need_apt /usr/bin/time time
need_apt openssl openssl

PYTHONS=()
if [ -n "${BENCH_PYTHONS:-}" ]; then
  read -r -a PYTHONS <<<"$BENCH_PYTHONS"
else
  # The interpreter itself (sys.executable), not a pyenv shim: the shim is a shell
  # script that would add its own start-up to every run.
  seen=""
  for cand in python3 /usr/bin/python3; do
    exe=$("$cand" -c 'import sys, cryptography; print(sys.executable)' 2>/dev/null) || continue
    real=$(readlink -f "$exe")
    case " $seen " in *" $real "*) continue ;; esac
    PYTHONS+=("$exe")
    seen="$seen $real"
  done
fi
[ ${#PYTHONS[@]} -gt 0 ] || log "no python3 with cryptography: baseline (b) skipped (apt-get install python3-cryptography)"
py_label() { "$1" -c 'import sys, cryptography; print("python %d.%d.%d + cryptography %s" % (sys.version_info[:3] + (cryptography.__version__,)))'; }

# ------------------------------------------------------------------ helpers
# hf NAME RUNS WARMUP [hyperfine options...] -- COMMAND: median seconds into $TMP/NAME.median
hf() {
  local name=$1 runs=$2 warmup=$3
  shift 3
  local opts=()
  while [ "$1" != "--" ]; do opts+=("$1"); shift; done
  shift
  hyperfine --style basic --runs "$runs" --warmup "$warmup" -i "${opts[@]}" \
    --export-json "$TMP/$name.json" "$@" >&2
  node -e 'const r=require(process.argv[1]).results; for (const x of r) console.log(x.median.toFixed(3), (x.stddev ?? 0).toFixed(3))' "$TMP/$name.json" >"$TMP/$name.median"
}
median() { sed -n "${2:-1}p" "$TMP/$1.median" | cut -d' ' -f1; }
sigma() { sed -n "${2:-1}p" "$TMP/$1.median" | cut -d' ' -f2; }
# rss NAME COMMAND...: peak RSS (MB) of one run; the command's last stdout line into $TMP/NAME.last
rss() {
  local name=$1
  shift
  set +e
  /usr/bin/time -f '%M' -o "$TMP/$name.rss" "$@" 2>/dev/null | tail -n 1 >"$TMP/$name.last"
  echo "${PIPESTATUS[0]}" >"$TMP/$name.rc"
  set -e
  awk 'END { printf "%.0f", $1 / 1024 }' "$TMP/$name.rss"
}
rate() { calc "$1 / $2" 0; }
# "count {sorted state counts}" from an ndjson summary line
summary_states() { node -e 'const s=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); console.log(s.certificates, JSON.stringify(Object.fromEntries(Object.entries(s.states).sort())))' "$1"; }
verdict() { if [ "$(calc "$1" 0)" = 1 ]; then echo "**MET**"; else echo "**NOT MET**"; fi; }

# ------------------------------------------------------------------ corpora
for n in $SIZES; do
  node "$HERE/make-corpus.mjs" "$n" "$OUT/corpus-$n"
done
FIRST=$(echo "$SIZES" | awk '{print $1}')
LAST=$(echo "$SIZES" | awk '{print $NF}')
ONE="$OUT/corpus-$FIRST/00/cert-000000.pem" # always "valid": exit 0

# ------------------------------------------------------------------ ukey snapshot
dist_ready() { [ -d "$ROOT/dist" ] && [ -n "$(find "$ROOT/dist" -name '*.js' -print -quit 2>/dev/null)" ]; }
newest_in() { { find "$1" -type f -printf '%T@\n' 2>/dev/null || true; } | sort -n | tail -n 1; }
if ! dist_ready; then
  log "dist/ missing: npm run build"
  npm run build >&2
fi
# Others rebuild dist/ while this runs (the build removes it first): benchmark a
# private copy of bin/ + dist/ + package.json taken once dist/ has been still for
# 5 s. Packages left external resolve from node_modules above bench/out/.
SNAP="$OUT/ukey-snapshot"
for _ in $(seq 120); do
  newest=$(newest_in "$ROOT/dist")
  if dist_ready && [ -n "$newest" ] && [ "$(calc "$(date +%s.%N) - $newest > 5" 0)" = 1 ]; then break; fi
  sleep 1
done
rm -rf "$SNAP"
mkdir -p "$SNAP"
cp -r "$ROOT/bin" "$ROOT/dist" "$ROOT/package.json" "$SNAP/"
if [ -f "$ROOT/oclif.manifest.json" ]; then cp "$ROOT/oclif.manifest.json" "$SNAP/"; fi
SNAP_TIME=$(date -d "@$(newest_in "$SNAP/dist")" '+%Y-%m-%d %H:%M:%S')
UKEY_JS="$SNAP/bin/run.js"
node "$UKEY_JS" check-window "$ONE" >/dev/null || { echo "ukey (snapshot) check-window $ONE failed" >&2; exit 1; }

# ------------------------------------------------------------------ machine
CPU=$(lscpu 2>/dev/null | awk -F: '/Model name/ && !cpu { gsub(/^ +/, "", $2); cpu = $2 } END { print cpu }')
MEM=$(free -g | awk '/^Mem:/ { print $2 " GiB" }')
COMMIT=$(git -C "$ROOT" log -1 --format='%h %s' 2>/dev/null | cut -c1-90 || echo '?')
DIRTY=$(git -C "$ROOT" status --porcelain -- src bin package.json 2>/dev/null | wc -l)
{
  echo "# check-window benchmark, $(date '+%Y-%m-%d %H:%M %Z')"
  echo
  echo "- machine: $(nproc) cores ($CPU), $MEM memory, $(uname -sr)"
  echo "- node $(node --version), $(openssl version | cut -d' ' -f1-2), $(hyperfine --version)"
  for py in "${PYTHONS[@]}"; do echo "- $py: $(py_label "$py")"; done
  echo "- ukey: HEAD $COMMIT; $DIRTY uncommitted change(s) in src/ bin/ package.json; benchmarked from a copy of bin/ + dist/ (dist built $SNAP_TIME, which may predate HEAD)"
  echo "- NODE_EXTRA_CA_CERTS unset for every command; times are hyperfine medians, page cache warm (1 warm-up run)"
  echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores; anything else running skews the figures)"
  if [ "$(cat /sys/kernel/mm/damon/admin/kdamonds/0/state 2>/dev/null)" = on ]; then
    echo "- DAMON pageout is on (kdamond): page cache untouched for about a minute is evicted, so every timed series starts with a warm-up run; a cold run is slower (I/O bound)"
  fi
  echo
} >"$REPORT"

# ------------------------------------------------------------------ (a) openssl loop
find "$OUT/corpus-$FIRST" -name '*.pem' | sort | sed -n "1,${OSSL_SAMPLE}p" >"$TMP/openssl-sample.txt"
OSSL_N=$(wc -l <"$TMP/openssl-sample.txt")
log "(a) openssl loop over $OSSL_N files"
# What a technician writes; `|| true` only because -checkend exits 1 for "expires soon".
hf openssl "$OSSL_RUNS" 0 -- \
  "for f in \$(cat '$TMP/openssl-sample.txt'); do openssl x509 -noout -enddate -checkend \$((30*86400)) -in \"\$f\" || true; done"
OSSL_S=$(median openssl)
OSSL_RATE=$(rate "$OSSL_N" "$OSSL_S")

# ------------------------------------------------------------------ per size
ROWS="$TMP/rows.md"
: >"$ROWS"
declare -A UK UKQ FL RSS_UK RSS_UKQ PYBEST PYBEST_LABEL
for n in $SIZES; do
  dir="$OUT/corpus-$n"
  if [ "$n" -ge 100000 ]; then runs=3; else runs=5; fi
  log "size $n: ukey, floor, python ($runs runs each)"
  # One checked run each first (peak RSS, state counts, exit codes): hyperfine -i
  # below ignores exit codes (the corpus exits 12), so a broken run must fail here.
  # These runs all evaluate at the same instant (--at): ~100 certificates of
  # 100,000 cross each window boundary per day, so "now" would differ between them.
  AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  RSS_UK[$n]=$(rss "ukey-$n" node "$UKEY_JS" check-window --recursive "$dir" --output ndjson --at "$AT")
  RSS_UKQ[$n]=$(rss "ukeyq-$n" node "$UKEY_JS" check-window --recursive "$dir" --quiet --at "$AT")
  rss_fl=$(rss "floor-$n" node "$HERE/read-floor.mjs" "$dir")
  ukey_states=$(summary_states "$TMP/ukey-$n.last")
  [ "${ukey_states%% *}" = "$n" ] || { echo "ukey read ${ukey_states%% *} certificates, expected $n" >&2; exit 1; }
  ukey_rc=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).exitCode)' "$TMP/ukey-$n.last")
  [ "$(cat "$TMP/ukey-$n.rc")" = "$ukey_rc" ] && [ "$(cat "$TMP/ukeyq-$n.rc")" = "$ukey_rc" ] ||
    { echo "ukey exit codes: ndjson $(cat "$TMP/ukey-$n.rc"), --quiet $(cat "$TMP/ukeyq-$n.rc"), summary says $ukey_rc" >&2; exit 1; }
  [ "$(cut -d' ' -f1 "$TMP/floor-$n.last")" = "$n" ] || { echo "read floor: $(cat "$TMP/floor-$n.last")" >&2; exit 1; }

  hf "ukey-$n" "$runs" 1 -N -- "node $UKEY_JS check-window --recursive $dir --output ndjson"
  hf "ukeyq-$n" "$runs" 1 -N -- "node $UKEY_JS check-window --recursive $dir --quiet"
  hf "floor-$n" "$runs" 1 -N -- "node $HERE/read-floor.mjs $dir"
  UK[$n]=$(median "ukey-$n")
  UKQ[$n]=$(median "ukeyq-$n")
  FL[$n]=$(median "floor-$n")

  echo "| ukey check-window -r --output ndjson | $n | $runs | ${UK[$n]} ± $(sigma "ukey-$n") | $(rate "$n" "${UK[$n]}") | ${RSS_UK[$n]} |" >>"$ROWS"
  echo "| ukey check-window -r --quiet | $n | $runs | ${UKQ[$n]} ± $(sigma "ukeyq-$n") | $(rate "$n" "${UKQ[$n]}") | ${RSS_UKQ[$n]} |" >>"$ROWS"
  echo "| (c) node read floor (readFileSync) | $n | $runs | ${FL[$n]} ± $(sigma "floor-$n") | $(rate "$n" "${FL[$n]}") | $rss_fl |" >>"$ROWS"

  best=""
  for i in "${!PYTHONS[@]}"; do
    py=${PYTHONS[$i]}
    label=$(py_label "$py" | sed 's/^python /py /; s/ + cryptography / + crypt. /')
    r=$(rss "py$i-$n" "$py" "$HERE/py_check.py" "$dir" --at "$AT")
    py_states=$(summary_states "$TMP/py$i-$n.last")
    if [ "$py_states" != "$ukey_states" ]; then
      echo "state counts differ at $n: ukey $ukey_states, $py $py_states" >&2
      exit 1
    fi
    hf "py$i-$n" "$runs" 1 -N -- "$py $HERE/py_check.py $dir"
    s=$(median "py$i-$n")
    echo "| (b) $label, ndjson | $n | $runs | $s ± $(sigma "py$i-$n") | $(rate "$n" "$s") | $r |" >>"$ROWS"
    if [ -z "$best" ] || [ "$(calc "$s < $best" 0)" = 1 ]; then best=$s; PYBEST_LABEL[$n]=$label; fi
  done
  PYBEST[$n]=${best:-NaN}
  echo "| (a) openssl loop, extrapolated from $OSSL_N files | $n | – | $(calc "$n / $OSSL_RATE" 1) (est.) | $OSSL_RATE | – |" >>"$ROWS"
done

# ------------------------------------------------------------------ single file
# 30 runs per command as 3 rounds of 10, the three commands taking turns in each
# round: a burst of load from other processes then hits all three alike instead
# of skewing the ratio. Median, σ and minimum over the 30 runs.
log "single-file latency (3 rounds × 10 runs)"
LOAD_SINGLE=$(cut -d' ' -f1 /proc/loadavg)
for r in 1 2 3; do
  hyperfine --style basic -N --warmup 3 --runs 10 --export-json "$TMP/single-$r.json" \
    "node $UKEY_JS check-window $ONE" \
    "node -e 0" \
    "openssl x509 -noout -enddate -checkend 2592000 -in $ONE" >&2
done
node -e '
  const runs = process.argv.slice(1).map((f) => require(f).results)
  for (let c = 0; c < runs[0].length; c++) {
    const t = runs.flatMap((r) => r[c].times).sort((a, b) => a - b)
    const mid = t.length >> 1
    const median = t.length % 2 ? t[mid] : (t[mid - 1] + t[mid]) / 2
    const mean = t.reduce((a, b) => a + b, 0) / t.length
    const sd = Math.sqrt(t.reduce((a, b) => a + (b - mean) ** 2, 0) / (t.length - 1))
    console.log(median.toFixed(4), sd.toFixed(4), t[0].toFixed(4))
  }' "$TMP/single-1.json" "$TMP/single-2.json" "$TMP/single-3.json" >"$TMP/single.median"
single_min() { sed -n "${1}p" "$TMP/single.median" | cut -d' ' -f3; }
ONE_UK=$(median single 1)
ONE_NODE=$(median single 2)
ONE_OSSL=$(median single 3)

# ------------------------------------------------------------------ report
{
  echo "## Throughput (wall time, median of N runs)"
  echo
  echo "| command | files | runs | median s (± σ) | files/s (median) | peak RSS MB |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
  cat "$ROWS"
  echo
  echo "(a) measured on the first $OSSL_N files of corpus-$FIRST: $OSSL_S s median of $OSSL_RUNS run(s) = $OSSL_RATE files/s; the time for more files is that rate extrapolated."
  echo "State counts of ukey and every Python agree at every size (checked)."
  echo
  echo "## Single file (hyperfine -N, 30 runs each as 3 interleaved rounds of 10, --warmup 3)"
  echo
  echo "Load average (1 min) when this part started: $LOAD_SINGLE."
  echo
  echo "| command | median ms (± σ) | min ms |"
  echo "| --- | ---: | ---: |"
  echo "| ukey check-window one.pem | $(calc "$ONE_UK * 1000" 1) ± $(calc "$(sigma single 1) * 1000" 1) | $(calc "$(single_min 1) * 1000" 1) |"
  echo "| node -e 0 | $(calc "$ONE_NODE * 1000" 1) ± $(calc "$(sigma single 2) * 1000" 1) | $(calc "$(single_min 2) * 1000" 1) |"
  echo "| openssl x509 -noout -enddate -checkend (one file) | $(calc "$ONE_OSSL * 1000" 1) ± $(calc "$(sigma single 3) * 1000" 1) | $(calc "$(single_min 3) * 1000" 1) |"
  echo
  echo "## Ratios and targets"
  echo
  echo "| ratio | value | target | verdict |"
  echo "| --- | ---: | --- | --- |"
  for n in $SIZES; do
    echo "| python (fastest: ${PYBEST_LABEL[$n]:-none}) ÷ ukey ndjson, $n files | $(calc "${PYBEST[$n]} / ${UK[$n]}")× | ≥ 1.5× at 100,000 | $(if [ "${PYBEST[$n]}" = NaN ]; then echo '– (no Python)'; elif [ "$n" = "$LAST" ]; then verdict "${PYBEST[$n]} / ${UK[$n]} >= 1.5"; else echo '–'; fi) |"
  done
  for n in $SIZES; do
    echo "| ukey ndjson ÷ node read floor, $n files | $(calc "${UK[$n]} / ${FL[$n]}")× | ≤ 1.5× | $(verdict "${UK[$n]} / ${FL[$n]} <= 1.5") |"
    echo "| ukey --quiet ÷ node read floor, $n files | $(calc "${UKQ[$n]} / ${FL[$n]}")× | (≤ 1.5×) | $(verdict "${UKQ[$n]} / ${FL[$n]} <= 1.5") |"
  done
  echo "| peak RSS, ukey ndjson, $LAST files | ${RSS_UK[$LAST]} MB | < 150 MB at 100,000 | $(verdict "${RSS_UK[$LAST]} < 150") |"
  echo "| peak RSS, ukey --quiet, $LAST files | ${RSS_UKQ[$LAST]} MB | (< 150 MB) | $(verdict "${RSS_UKQ[$LAST]} < 150") |"
  echo "| single file: ukey ÷ node -e 0 (medians) | $(calc "$ONE_UK / $ONE_NODE")× | ≤ 2× (issue #2) | $(verdict "$ONE_UK / $ONE_NODE <= 2") |"
  echo "| single file: ukey ÷ node -e 0 (minimums, for reference) | $(calc "$(single_min 1) / $(single_min 2)")× | – | – |"
  echo "| ukey ndjson ÷ openssl loop (speed-up), $LAST files | $(calc "($LAST / $OSSL_RATE) / ${UK[$LAST]}" 0)× | – | – |"
  echo
  echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
  if [ "$LAST" != 100000 ]; then
    echo
    echo "Note: BENCH_SIZES=\"$SIZES\": the 100,000-file targets were judged at $LAST files."
  fi
} >>"$REPORT"

mv "$REPORT" "$FINAL_REPORT"
rm -rf "$TMP"
echo
cat "$FINAL_REPORT"
echo
echo "written to ${FINAL_REPORT#"$ROOT"/}"
