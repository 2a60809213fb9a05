#!/usr/bin/env bash
# Seeds for the fuzz runs (test/fuzz): valid inputs the mutations start from.
# PKCS#12 with one PBKDF/MAC iteration (-noiter -nomaciter): a fuzz case then costs
# the parse, not 2,048 rounds of key derivation, so 100,000 cases fit in minutes;
# the iteration count is itself a field the mutations edit. Password: "fuzz".
# CMP messages: make-cmp.ts (ukey's own builders and the lab CA code).
# Rerun only to change the corpus: the seeds recorded in runs refer to these bytes.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/k.pem" \
  -subj '/C=CN/O=ukey fuzz/CN=张三 fuzz' -utf8 -days 365 -out "$tmp/c.pem" 2>/dev/null
openssl pkcs12 -export -inkey "$tmp/k.pem" -in "$tmp/c.pem" -passout pass:fuzz -noiter -nomaciter -out aes-1iter.p12
openssl pkcs12 -export -legacy -inkey "$tmp/k.pem" -in "$tmp/c.pem" -passout pass:fuzz -noiter -nomaciter -out legacy-1iter.p12
openssl pkcs12 -export -nokeys -in "$tmp/c.pem" -passout pass:fuzz -noiter -nomaciter -out certonly-1iter.p12
npx tsx make-cmp.ts
