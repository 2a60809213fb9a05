#!/usr/bin/env bash
# Single-file start-up of `ukey check-window one.pem`: the fast path (no oclif),
# the same line through oclif (UKEY_NO_FAST_PATH=1), and `node -e 0`. hyperfine
# -N in ROUNDS rounds of RUNS runs, the commands taking turns in each round, so a
# burst of load from others hits all alike; median, σ and minimum over all runs.
# NODE_EXTRA_CA_CERTS is unset (bench/README.md). Benchmarks a copy of bin/ dist/
# package.json (others rebuild dist/ meanwhile).
#
#   bash bench/check-window/single-file.sh [ONE.pem]     # ROUNDS=6 RUNS=5 by default
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT="$ROOT/bench/out"
ROUNDS=${ROUNDS:-6}
RUNS=${RUNS:-5}
unset NODE_EXTRA_CA_CERTS
ONE=${1:-$OUT/corpus-10000/00/cert-000000.pem}
if [ ! -f "$ONE" ]; then node "$HERE/make-corpus.mjs" 10000 "$OUT/corpus-10000" >&2; fi
SNAP="$OUT/single-snapshot"
rm -rf "$SNAP" && mkdir -p "$SNAP"
cp -r "$ROOT/bin" "$ROOT/dist" "$ROOT/package.json" "$SNAP/"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
node "$SNAP/bin/run.js" check-window "$ONE" >/dev/null
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for r in $(seq "$ROUNDS"); do
  hyperfine --style none -N --warmup 2 --runs "$RUNS" --export-json "$TMP/r$r.json" \
    "node -e 0" \
    "node $SNAP/bin/run.js check-window $ONE" \
    "env UKEY_NO_FAST_PATH=1 node $SNAP/bin/run.js check-window $ONE" >/dev/null 2>"$TMP/hyperfine.err" ||
    { cat "$TMP/hyperfine.err" >&2; exit 1; }
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
echo "ukey $(git -C "$ROOT" rev-parse --short HEAD), node $(node --version), $ROUNDS rounds × $RUNS runs, load average $LOAD_BEFORE before, $LOAD_AFTER after"
echo
node -e '
  const files = process.argv.slice(1)
  const runs = files.map((f) => require(f).results)
  const names = ["node -e 0", "ukey check-window one.pem (fast path)", "same through oclif (env UKEY_NO_FAST_PATH=1)"]
  const stats = runs[0].map((_, c) => {
    const t = runs.flatMap((r) => r[c].times).sort((a, b) => a - b)
    const mid = t.length >> 1
    const median = t.length % 2 ? t[mid] : (t[mid - 1] + t[mid]) / 2
    const mean = t.reduce((a, b) => a + b, 0) / t.length
    const sd = Math.sqrt(t.reduce((a, b) => a + (b - mean) ** 2, 0) / (t.length - 1))
    return { median, sd, min: t[0], n: t.length }
  })
  console.log("| command | runs | median ms (± σ) | min ms | median ÷ node -e 0 |")
  console.log("| --- | ---: | ---: | ---: | ---: |")
  stats.forEach((s, i) => console.log(`| ${names[i]} | ${s.n} | ${(s.median * 1000).toFixed(1)} ± ${(s.sd * 1000).toFixed(1)} | ${(s.min * 1000).toFixed(1)} | ${(s.median / stats[0].median).toFixed(2)}× |`))
' $(for r in $(seq "$ROUNDS"); do echo "$TMP/r$r.json"; done)
