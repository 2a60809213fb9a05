#!/usr/bin/env bash
# The renewal a power user does by hand on a PKCS#11 token, with pkcs11-tool
# (OpenSC) and `openssl cmp` reaching the token keys through the pkcs11 engine
# (libp11, Debian libengine-pkcs11-openssl). No private key leaves the token.
#
#   UKEY_PIN=... bash bench/renew/by-hand.sh LAB_DIR HOST:PORT [TIMINGS_FILE]
#
# LAB_DIR is a `ukey lab init` folder; HOST:PORT is a `ukey lab serve` CMP
# server (path pkix/). Each step's wall time in ms goes to TIMINGS_FILE as
# "step<TAB>ms" lines (EPOCHREALTIME: no extra process per timestamp). Work
# files (old.pem, new.pem, cmp.log) go to LAB_DIR/by-hand/.
#
# What the user knows beforehand comes from the environment when set (run.sh
# sets it, outside the timed part): MODULE (the PKCS#11 module), SOFTHSM2_CONF,
# OLD_ID (the old certificate's CKA_ID, read off `pkcs11-tool -O`), and
# LAB_DIR/by-hand/openssl.cnf (the user's OpenSSL config loading the pkcs11
# engine). When unset, they are taken from LAB_DIR/lab.json.
set -euo pipefail
abs() { case $1 in /*) printf '%s' "$1" ;; *) printf '%s' "$PWD/$1" ;; esac; }
lab=$(abs "$1")
server=$2
timings=$(abs "${3:-/dev/stderr}")
: "${UKEY_PIN:?UKEY_PIN must hold the token PIN}"

if [ -z "${MODULE:-}" ] || [ -z "${SOFTHSM2_CONF:-}" ] || [ -z "${OLD_ID:-}" ]; then
  IFS=$'\t' read -r MODULE SOFTHSM2_CONF OLD_ID < <(node -p 'const l = require(process.argv[1]); [l.module, l.conf, l.certificate.id].join("\t")' "$lab/lab.json")
fi
export SOFTHSM2_CONF
module=$MODULE
old_id=$OLD_ID
work="$lab/by-hand"
mkdir -p "$work"
cd "$work"

# A power user's openssl.cnf: load the pkcs11 engine with the token's module
# (without it libp11 goes through p11-kit-proxy and every registered module).
[ -f openssl.cnf ] || cat > openssl.cnf <<EOF
openssl_conf = openssl_init
[openssl_init]
engines = engine_section
[engine_section]
pkcs11 = pkcs11_section
[pkcs11_section]
engine_id = pkcs11
MODULE_PATH = $module
init = 0
EOF
uri_id() { printf '%s' "$1" | sed 's/../%&/g'; } # hex CKA_ID → RFC 7512 percent-encoding

p11() { pkcs11-tool --module "$module" "$@" 2>/dev/null; }
# Timestamps in µs from bash itself: no process per timestamp.
t=0
start() { t=${EPOCHREALTIME/./}; }
stop() { local now=${EPOCHREALTIME/./}; printf '%s\t%s\n' "$1" "$(( (10#$now - 10#$t) / 1000 ))" >> "$timings"; }

# 1. The old certificate as a file (openssl cmp signs with it) and a fresh CKA_ID.
start
new_id=$(openssl rand -hex 20)
p11 --read-object --type cert --id "$old_id" -o old.der >/dev/null
openssl x509 -inform der -in old.der -out old.pem
stop prepare

# 2. The new key pair, generated on the token (sign only, like the old one).
start
p11 --login --pin env:UKEY_PIN --keypairgen --key-type rsa:2048 --id "$new_id" \
  --label "renewed key" --usage-sign >/dev/null
stop keypairgen

# 3. CMP key update (RFC 4210 kur): protected with the old key + certificate,
#    proof of possession signed with the new key; openssl cmp then sends certConf.
start
OPENSSL_CONF="$work/openssl.cnf" openssl cmp -cmd kur -server "$server" -path pkix/ \
  -engine pkcs11 -keyform engine \
  -cert old.pem -key "pkcs11:id=$(uri_id "$old_id");type=private" -keypass env:UKEY_PIN \
  -newkey "pkcs11:id=$(uri_id "$new_id");type=private" -newkeypass env:UKEY_PIN \
  -trusted "$lab/ca.crt" -certout new.pem >cmp.log 2>&1 || { cat cmp.log >&2; exit 1; }
stop kur

# 4. The new certificate beside the new key.
start
p11 --login --pin env:UKEY_PIN --write-object new.pem --type cert --id "$new_id" \
  --label "renewed certificate" >/dev/null
stop store

# 5. Only then the old key pair and certificate go.
start
for type in privkey pubkey cert; do
  p11 --login --pin env:UKEY_PIN --delete-object --type "$type" --id "$old_id" >/dev/null
done
stop delete-old

echo "$new_id" > new.id
