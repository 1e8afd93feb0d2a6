#!/bin/bash
# smoke.sh [MAILTWIN] -- CI smoke test of the peer benchmark harness (ctest: bench_smoke).
#
# Runs bench/peers.sh on a 1,000-message corpus in 5 folders, mailtwin only, loopback, all phases
# (a once, b/c/d twice), in a private Dovecot on two free ports, and fails unless every run exited
# 0 and verified, the byte counts were collected, and report.md was written. It checks that the
# harness and mailtwin agree with the server; it does not judge times.
# MAILTWIN defaults to $MAILTWIN. BENCH_SMOKE_KEEP=1 keeps the scratch directory.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
MT=${1:-${MAILTWIN:-}}
[ -n "$MT" ] && [ -x "$MT" ] || { echo "usage: $0 /path/to/mailtwin (or set MAILTWIN)" >&2; exit 2; }
MT=$(cd "$(dirname "$MT")" && pwd)/$(basename "$MT")
REPS=2

# under /tmp and o+x: when run as root the Dovecot mail uid must be able to traverse it
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mailtwin-bench-smoke.XXXXXX")
chmod 755 "$TMP"
[ "${BENCH_SMOKE_KEEP:-0}" = 1 ] || trap 'rm -rf "$TMP"' EXIT

read -r PORT TLS_PORT < <(python3 - <<'PY'
import socket
socks = []
for _ in range(2):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(*[s.getsockname()[1] for s in socks])
PY
)

status=0
env -u MAILTWIN_FLOOR -u BENCH_USERS -u BENCH_USER MAILTWIN="$MT" \
    bash "$HERE/peers.sh" --sizes 1000 --folders 5 --peers mailtwin --reps "$REPS" --seed 1 \
    --port "$PORT" --tls-port "$TLS_PORT" --workdir "$TMP/work" --out "$TMP/out" --timeout 300 \
    > "$TMP/peers.out" 2>&1 || status=$?
if [ "$status" != 0 ]; then
    echo "bench_smoke: peers.sh failed (exit $status):" >&2
    tail -40 "$TMP/peers.out" >&2
    exit 1
fi

python3 - "$TMP/out/results.tsv" "$TMP/out/report.md" "$REPS" <<'PY' || { tail -40 "$TMP/peers.out" >&2; exit 1; }
import sys
results, report, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = [l.rstrip("\n").split("\t") for l in open(results)]
head, rows = rows[0], [dict(zip(rows[0], r)) for r in rows[1:] if r and r[0]]
problems = []
want = {"a_initial": 1, "b_noop": reps, "c_remote": reps, "d_local": reps}
for phase, n in want.items():
    got = [r for r in rows if r["peer"] == "mailtwin" and r["phase"] == phase]
    if len(got) != n:
        problems.append("%s: %d runs, expected %d" % (phase, len(got), n))
for r in rows:
    tag = "%s %s #%s" % (r["peer"], r["phase"], r["rep"])
    if r["rc"] != "0" or r["verified"] != "yes":
        problems.append("%s: rc %s, verified %s: %s" % (tag, r["rc"], r["verified"], r["note"]))
    if not r.get("rx_bytes", "-").isdigit() or int(r["rx_bytes"]) <= 0:
        problems.append("%s: no bytes received counted (%r)" % (tag, r.get("rx_bytes")))
a = [r for r in rows if r["phase"] == "a_initial"]
if a and a[0]["rx_bytes"].isdigit() and int(a[0]["rx_bytes"]) < 1000 * 1024:
    problems.append("a_initial received only %s bytes for 1,000 messages" % a[0]["rx_bytes"])
try:
    text = open(report).read()
except OSError as e:
    text = ""
    problems.append("no report.md: %s" % e)
if "## 1000 messages, 5 folders" not in text or "| a_initial | mailtwin |" not in text:
    problems.append("report.md lacks the 1,000-message tables")
for p in problems:
    print("bench_smoke: " + p, file=sys.stderr)
if problems:
    sys.exit(1)
print("bench_smoke: %d runs, all exited 0 and verified; report.md written" % len(rows))
PY
