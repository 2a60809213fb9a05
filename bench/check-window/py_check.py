#!/usr/bin/env python3
"""Baseline (b) of the check-window benchmark: what one Python process with
`cryptography` does for the same job as `ukey check-window --recursive DIR --output ndjson`.

    python3 bench/check-window/py_check.py DIR [--quiet] [--at 2026-12-01T00:00:00Z]

Walks DIR (sorted, recursive, the same file extensions ukey takes), reads each PEM,
parses every certificate with x509.load_pem_x509_certificate, classifies the renewal
window with ukey's rules (30 days before notAfter .. 90 days after, see
src/cert/window.ts) and prints one JSON line per certificate with comparable fields
(source, subject, issuer, serial, notBefore, notAfter, state, daysLeft) plus a
summary line. --quiet prints only the summary counts; --at evaluates at that instant
instead of now (as ukey's --at). Exit code: worst state, as ukey.
"""
import datetime
import json
import os
import sys

import cryptography
from cryptography import x509

EXTS = {".pem", ".crt", ".cer", ".cert", ".der", ".p7b", ".p7c", ".pfx", ".p12"}
DAY = datetime.timedelta(days=1)
RENEW_BEFORE = 30 * DAY
GRACE_AFTER = 90 * DAY
EXIT = {"valid": 0, "renewable": 10, "grace": 11, "lapsed": 12, "not-yet-valid": 13}
SEVERITY = [12, 11, 10, 13, 3, 0]  # most severe first, as ukey


def walk(d):
    with os.scandir(d) as it:
        entries = sorted(it, key=lambda e: e.name)
    for e in entries:
        if e.is_dir(follow_symlinks=False):
            yield from walk(e.path)
        elif os.path.splitext(e.name)[1].lower() in EXTS:
            yield e.path


# cryptography >= 42 has the *_utc properties; older ones (Debian 12: 38) only naive UTC.
if hasattr(x509.Certificate, "not_valid_after_utc"):
    def validity(c):
        return c.not_valid_before_utc, c.not_valid_after_utc
else:
    def validity(c):
        utc = datetime.timezone.utc
        return c.not_valid_before.replace(tzinfo=utc), c.not_valid_after.replace(tzinfo=utc)


def classify(not_before, not_after, at):
    if at < not_before:
        return "not-yet-valid"
    if at < not_after - RENEW_BEFORE:
        return "valid"
    if at <= not_after:
        return "renewable"
    if at <= not_after + GRACE_AFTER:
        return "grace"
    return "lapsed"


def cn(name):
    attrs = name.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return attrs[0].value if attrs else None


def main():
    argv = sys.argv[1:]
    at = datetime.datetime.now(datetime.timezone.utc)
    if "--at" in argv:
        i = argv.index("--at")
        at = datetime.datetime.fromisoformat(argv[i + 1].replace("Z", "+00:00"))
        del argv[i:i + 2]
    args = [a for a in argv if not a.startswith("--")]
    quiet = "--quiet" in argv
    states = dict.fromkeys(EXIT, 0)
    errors = 0
    out = sys.stdout
    write = out.write
    for root in args:
        for path in walk(root):
            try:
                with open(path, "rb") as f:
                    cert = x509.load_pem_x509_certificate(f.read())
                nb, na = validity(cert)
            except Exception as e:  # noqa: BLE001 - the batch goes on, as ukey's
                errors += 1
                if not quiet:
                    write(json.dumps({"type": "error", "source": path, "message": str(e)}) + "\n")
                continue
            state = classify(nb, na, at)
            states[state] += 1
            if not quiet:
                days_left = int((na - at) / DAY)  # towards zero, as ukey
                write(json.dumps({
                    "type": "certificate",
                    "source": path,
                    "subject": cn(cert.subject),
                    "issuer": cn(cert.issuer),
                    "serial": format(cert.serial_number, "x"),
                    "notBefore": nb.isoformat(),
                    "notAfter": na.isoformat(),
                    "state": state,
                    "daysLeft": days_left,
                    "exitCode": EXIT[state],
                }, ensure_ascii=False) + "\n")
    codes = {EXIT[s] for s, n in states.items() if n} | ({3} if errors else set())
    exit_code = next((c for c in SEVERITY if c in codes), 0)
    summary = {"type": "summary", "cryptography": cryptography.__version__, "certificates": sum(states.values()),
               "errors": errors, "states": states, "exitCode": exit_code}
    write(json.dumps(summary) + "\n")
    out.flush()
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
