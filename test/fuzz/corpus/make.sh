#!/usr/bin/env bash
# Seeds for the fuzz runs (test/fuzz): valid inputs the mutations start from.
# PKCS#12 with 2 key derivation rounds (-iter 2): a fuzz case then costs the parse,
# not 2,048 rounds, so 100,000 cases fit in minutes; the count is present (with
# -noiter/-nomaciter it is left out) so the mutations can edit it. Password: "fuzz".
# CMP messages: make-cmp.ts (ukey's own builders and the lab CA code).
# Rerun only to change the corpus: the seeds recorded in runs refer to these bytes.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/k.pem" \
  -subj '/C=CN/O=ukey fuzz/CN=张三 fuzz' -utf8 -days 365 -out "$tmp/c.pem" 2>/dev/null
openssl pkcs12 -export -inkey "$tmp/k.pem" -in "$tmp/c.pem" -passout pass:fuzz -iter 2 -out aes-2iter.p12
openssl pkcs12 -export -legacy -inkey "$tmp/k.pem" -in "$tmp/c.pem" -passout pass:fuzz -iter 2 -out legacy-2iter.p12
openssl pkcs12 -export -nokeys -in "$tmp/c.pem" -passout pass:fuzz -iter 2 -out certonly-2iter.p12
[[ ${1:-} == p12 ]] || npx tsx make-cmp.ts
