"""The simplest honest peer of `ukey check-window -r DIR --quiet` (issue 16): walk the
folder, parse each PEM with `cryptography`, count the five window states (src/cert/window.ts
rules), no per-certificate output.   python3 py_count.py DIR [AT_UNIX_SECONDS]"""
import datetime, json, os, sys
from cryptography import x509
utc = datetime.timezone.utc
at = datetime.datetime.fromtimestamp(float(sys.argv[2]), utc) if len(sys.argv) > 2 else datetime.datetime.now(utc)
new = hasattr(x509.Certificate, "not_valid_after_utc")  # cryptography >= 42; Debian 12 has 38
counts = dict.fromkeys(["valid", "renewable", "grace", "lapsed", "not-yet-valid", "errors"], 0)
for root, dirs, files in os.walk(sys.argv[1]):
    for name in files:
        if not name.endswith((".pem", ".crt", ".cer")):  # as ukey: certificate files only
            continue
        try:
            with open(os.path.join(root, name), "rb") as f:
                c = x509.load_pem_x509_certificate(f.read())
        except ValueError:
            counts["errors"] += 1
            continue
        nb, na = (c.not_valid_before_utc, c.not_valid_after_utc) if new else (c.not_valid_before.replace(tzinfo=utc), c.not_valid_after.replace(tzinfo=utc))
        d = datetime.timedelta(days=1)
        counts["not-yet-valid" if at < nb else "valid" if at < na - 30 * d else "renewable" if at <= na else "grace" if at <= na + 90 * d else "lapsed"] += 1
print(json.dumps(counts))
