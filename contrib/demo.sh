#!/bin/bash
# The demo: build mailtwin, start a throw-away local Dovecot seeded with sample mail, and sync it into
# ./demo/Mail. The server runs under $TMPDIR (its unprivileged mail uid must reach it) and is stopped
# at the end; ./demo keeps the Maildir, the config and the state so you can look at them.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
MESSAGES=${DEMO_MESSAGES:-300}
FOLDERS=${DEMO_FOLDERS:-6}

bash contrib/install-deps.sh
cmake -S . -B build -G Ninja >/dev/null
cmake --build build --target mailtwin

SERVER=$(mktemp -d "${TMPDIR:-/tmp}/mailtwin-demo.XXXXXX")
chmod 755 "$SERVER"
cleanup() { bash tests/fixtures/dovecot-down.sh "$SERVER/dovecot" >/dev/null 2>&1 || true; rm -rf "$SERVER"; }
trap cleanup EXIT

PORT=${DEMO_PORT:-14143}
TLS_PORT=${DEMO_TLS_PORT:-14993}
echo "== starting a private Dovecot on 127.0.0.1:$TLS_PORT (implicit TLS)"
BENCH_USERS=demo BENCH_PASSWORD=demo bash tests/fixtures/dovecot-up.sh "$SERVER/dovecot" "$PORT" "$TLS_PORT" \
  > "$SERVER/dovecot-up.log" 2>&1 || { cat "$SERVER/dovecot-up.log" >&2; exit 1; }

echo "== seeding $MESSAGES sample messages in $FOLDERS folders"
python3 bench/make-corpus.py --dovecot-dir "$SERVER/dovecot" --host 127.0.0.1 --port "$PORT" \
  --user demo --password demo --messages "$MESSAGES" --folders "$FOLDERS" --seed 1 >/dev/null

mkdir -p demo
cat > demo/mailtwin.toml <<TOML
# written by contrib/demo.sh
[general]
state_dir = "$ROOT/demo/state"
max_connections = 2

[accounts.demo]
maildir = "$ROOT/demo/Mail"

[accounts.demo.imap]
host = "127.0.0.1"
port = $TLS_PORT
tls = "implicit"
user = "demo"
password_cmd = "echo demo"
ca_file = "$SERVER/dovecot/ssl/cert.pem"
TOML

echo "== mailtwin check-config"
build/mailtwin --config demo/mailtwin.toml check-config

if build/mailtwin --config demo/mailtwin.toml sync --dry-run >/dev/null 2>&1; then
  echo "== mailtwin sync"
  build/mailtwin --config demo/mailtwin.toml sync
  echo "== the Maildir:"
  find demo/Mail -type d -name cur | sed 's|/cur$||' | while read -r d; do
    printf '  %-40s %6d messages\n' "$d" "$(find "$d/cur" "$d/new" -type f | wc -l)"
  done
else
  echo "== this build has no sync engine yet: the demo stops after check-config (see README, Status)"
fi
