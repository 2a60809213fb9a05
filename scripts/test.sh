#!/usr/bin/env bash
# Every test: type check, lint, build, then the vitest suite (unit, CLI end-to-end,
# integration on real components), then the Windows suite (ukey as node.exe under
# Wine: scripts/test-windows.sh). Sets up what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export OCLIF_SKIP_NEW_VERSION_CHECK=true
echo "==> type check"; npx tsc -p tsconfig.test.json
echo "==> lint"; npx eslint .
# The layering of docs/architecture.md: no import against the order, no cycle (file or folder).
echo "==> layers"; npx depcruise src --config .dependency-cruiser.cjs
report=$(mktemp)
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" </dev/null || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$report" || true
rm -f "$report"
echo "==> Windows suite"
UKEY_SKIP_SETUP=1 bash scripts/test-windows.sh || status=$?
exit $status
