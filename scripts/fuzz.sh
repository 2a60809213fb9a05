#!/usr/bin/env bash
# Fuzz the certificate readers and the CMP decoder (test/fuzz): CASES cases per
# target from SEED (default: the clock, printed in each report line so a run can
# be repeated). Reports go to stdout and test/fuzz/runs.jsonl.
#   bash scripts/fuzz.sh 100000 20261130           # every target
#   bash scripts/fuzz.sh 100000 20261130 cmp,pem   # some targets
set -euo pipefail
cd "$(dirname "$0")/.."
cases=${1:-100000}
seed=${2:-$(( $(date +%s) % 2147483648 ))}
args=(--cases "$cases" --seed "$seed")
[[ -n ${3:-} ]] && args+=(--target "$3")
echo "fuzz: $cases cases per target, seed $seed" >&2
exec nice node --import tsx test/fuzz/run.ts "${args[@]}"
