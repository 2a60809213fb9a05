#!/usr/bin/env bash
# `ukey detect` (USB view, JSON) against `lsusb` under the same umockdev fixtures,
# in one run: hyperfine medians and the ratio. umockdev-run's own start-up is in
# both, so `umockdev-run -- true` is measured too and subtracted for the ratio.
set -euo pipefail
cd "$(dirname "$0")/../.."
unset NODE_EXTRA_CA_CERTS
for tool in hyperfine lsusb umockdev-run; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install hyperfine usbutils umockdev)" >&2; exit 1; }
done
[ -f dist/ukey.js ] || npm run --silent build
runs="${BENCH_RUNS:-20}"
fx=test/fixtures/usb
devices="-d $fx/watchdata-hid.umockdev -d $fx/huada-ccid.umockdev -d $fx/gd-ccid.umockdev -d $fx/keyboard-decoy.umockdev"
out=$(mktemp --suffix .json)
trap 'rm -f "$out"' EXIT
# --no-usb would skip the point; --module to a missing file keeps PKCS#11 out of the measurement.
hyperfine -N -i --warmup 3 --runs "$runs" --export-json "$out" \
  -n 'ukey detect --json (USB)' "umockdev-run $devices -- node bin/run.js detect --json --module /nonexistent.so" \
  -n 'lsusb' "umockdev-run $devices -- lsusb" \
  -n 'umockdev-run true' "umockdev-run $devices -- true" \
  -n 'umockdev-run node -e 0' "umockdev-run $devices -- node -e 0" >/dev/null
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).results
  const m = Object.fromEntries(r.map((x) => [x.command, x.median * 1000]))
  console.log(`# detect (USB) vs lsusb, ${new Date().toISOString().slice(0, 16)}Z, 4 umockdev devices\n`)
  console.log("| command | median ms | σ ms |\n| --- | ---: | ---: |\n" + r.map((x) => `| ${x.command} | ${(x.median * 1000).toFixed(1)} | ${(x.stddev * 1000).toFixed(1)} |`).join("\n"))
  const base = m["umockdev-run true"]
  console.log(`\nukey ÷ lsusb (whole commands): ${(m["ukey detect --json (USB)"] / m["lsusb"]).toFixed(1)}×`)
  console.log(`ukey ÷ lsusb (umockdev-run start-up subtracted): ${((m["ukey detect --json (USB)"] - base) / (m["lsusb"] - base)).toFixed(1)}×`)
  console.log(`ukey − node -e 0 under umockdev: ${(m["ukey detect --json (USB)"] - m["umockdev-run node -e 0"]).toFixed(1)} ms`)
' "$out"
