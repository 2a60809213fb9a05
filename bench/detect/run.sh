#!/usr/bin/env bash
# `ukey detect --json` against `pkcs11-tool -L` (what a power user runs instead)
# on the lab token, in one run: hyperfine medians and the ratio.
# NODE_EXTRA_CA_CERTS is unset: it adds ~75 ms to every Node start here and
# users' machines rarely set it (shared/notes/stack.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
unset NODE_EXTRA_CA_CERTS
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
[ -f dist/ukey.js ] || npm run --silent build
runs="${BENCH_RUNS:-30}"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
node bin/run.js lab init --dir "$dir/lab" --key ec-p256 --json > "$dir/lab.json"
module=$(node -p "require('$dir/lab.json').module")
conf=$(node -p "require('$dir/lab.json').conf")
export SOFTHSM2_CONF="$conf"
hyperfine -N --warmup 3 --runs "$runs" --export-json "$dir/h.json" \
  -n 'ukey detect --json' "node bin/run.js detect --lab --lab-dir $dir/lab --json" \
  -n 'pkcs11-tool -L' "pkcs11-tool --module $module -L" \
  -n 'node -e 0' "node -e 0" >/dev/null
node -e '
  const r = require(process.argv[1]).results
  const m = Object.fromEntries(r.map((x) => [x.command, x.median * 1000]))
  const rows = r.map((x) => `| ${x.command} | ${(x.median * 1000).toFixed(1)} | ${(x.stddev * 1000).toFixed(1)} |`)
  console.log(`# detect benchmark, ${new Date().toISOString().slice(0, 16)}Z (${require("os").cpus().length} cores, node ${process.version})\n`)
  console.log("| command | median ms | σ ms |\n| --- | ---: | ---: |\n" + rows.join("\n"))
  console.log(`\nukey detect ÷ pkcs11-tool -L: ${(m["ukey detect --json"] / m["pkcs11-tool -L"]).toFixed(1)}×`)
  console.log(`ukey detect − node -e 0 (what ukey adds to a bare Node start): ${(m["ukey detect --json"] - m["node -e 0"]).toFixed(1)} ms`)
' "$dir/h.json"
