#!/bin/bash
# The demo: build mailtwin, start a throw-away local Dovecot seeded with sample mail, sync it into
# ./demo/Mail, and show `status` and `folders`. The server keeps running afterwards, so the config the
# demo leaves (./demo/mailtwin.toml) works for every command; `bash contrib/demo.sh --stop` stops it.
#
#   bash contrib/demo.sh            build, (re)start the demo server, sync, show status and folders
#   bash contrib/demo.sh --stop     stop the demo server (./demo stays for you to look at)
#
# Environment: DEMO_DIR (default ./demo), DEMO_MESSAGES (300), DEMO_FOLDERS (6), DEMO_PORT (14143),
# DEMO_TLS_PORT (14993), MAILTWIN_BIN (a built binary: skips installing packages and building).
set -Eeuo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DEMO=$(realpath -m "${DEMO_DIR:-$ROOT/demo}")
MESSAGES=${DEMO_MESSAGES:-300}
FOLDERS=${DEMO_FOLDERS:-6}
PORT=${DEMO_PORT:-14143}
TLS_PORT=${DEMO_TLS_PORT:-14993}

# The server lives under $TMPDIR, not in ./demo: Dovecot's unprivileged mail uid must reach it, and a
# checkout under /root or a private home is not reachable. demo/server-dir remembers where it is.
stop_server() {
  [ -f "$DEMO/server-dir" ] || return 0
  local dir
  dir=$(cat "$DEMO/server-dir")
  bash tests/fixtures/dovecot-down.sh "$dir/dovecot" >/dev/null 2>&1 || true
  rm -rf "$dir" "$DEMO/server-dir"
}

if [ "${1:-}" = "--stop" ]; then
  stop_server
  echo "demo server stopped; $DEMO is left as it was (remove it with: rm -rf $DEMO)"
  exit 0
fi

if [ -n "${MAILTWIN_BIN:-}" ]; then
  MAILTWIN=$(realpath "$MAILTWIN_BIN")
else
  bash contrib/install-deps.sh
  cmake -S . -B build -G Ninja >/dev/null
  cmake --build build --target mailtwin
  MAILTWIN=$ROOT/build/mailtwin
fi

# A second run starts over: a new server has new UIDVALIDITYs, so the old Maildir and state would
# only be refused (or re-paired) against it. Only a directory this script wrote is removed.
stop_server
if [ -e "$DEMO" ]; then
  if ! grep -qs "written by contrib/demo.sh" "$DEMO/mailtwin.toml"; then
    echo "demo.sh: $DEMO exists and was not written by the demo; move it away or set DEMO_DIR" >&2
    exit 1
  fi
  rm -rf "$DEMO"
fi
mkdir -p "$DEMO"

SERVER=$(mktemp -d "${TMPDIR:-/tmp}/mailtwin-demo.XXXXXX")
chmod 755 "$SERVER"
echo "$SERVER" > "$DEMO/server-dir"
trap 'echo "demo.sh: failed; stopping the demo server" >&2; stop_server' ERR

echo "== starting a private Dovecot on 127.0.0.1:$TLS_PORT (implicit TLS)"
BENCH_USERS=demo BENCH_PASSWORD=demo bash tests/fixtures/dovecot-up.sh "$SERVER/dovecot" "$PORT" "$TLS_PORT" \
  > "$SERVER/dovecot-up.log" 2>&1 || { cat "$SERVER/dovecot-up.log" >&2; false; }

echo "== seeding $MESSAGES sample messages in $FOLDERS folders"
python3 bench/make-corpus.py --dovecot-dir "$SERVER/dovecot" --host 127.0.0.1 --port "$PORT" \
  --user demo --password demo --messages "$MESSAGES" --folders "$FOLDERS" --seed 1 >/dev/null

# The server's self-signed certificate is copied next to the config, so the config stays valid
# (check-config, status --offline) even after the server is stopped and its directory removed.
cp "$SERVER/dovecot/ssl/cert.pem" "$DEMO/server-cert.pem"
cat > "$DEMO/mailtwin.toml" <<TOML
# written by contrib/demo.sh: the demo account on a throw-away local Dovecot
# (stop it with: bash contrib/demo.sh --stop)
[general]
state_dir = "$DEMO/state"
max_connections = 2

[accounts.demo]
maildir = "$DEMO/Mail"

[accounts.demo.imap]
host = "127.0.0.1"
port = $TLS_PORT
tls = "implicit"
user = "demo"
password_cmd = "echo demo"
ca_file = "$DEMO/server-cert.pem"
TOML

run() {
  echo "== mailtwin $*"
  "$MAILTWIN" --config "$DEMO/mailtwin.toml" "$@"
}
run check-config >/dev/null   # the resolved config goes to stdout; its verdict to stderr
run sync
run status
run folders demo

STOP="bash contrib/demo.sh --stop"
[ "$DEMO" = "$ROOT/demo" ] || STOP="DEMO_DIR=$DEMO $STOP"
cat <<EOF

The demo server is still running, and $DEMO/mailtwin.toml works for every command. Try:
  # a sync with nothing to do prints nothing; -v names each folder it checked
  $MAILTWIN --config $DEMO/mailtwin.toml sync -v
  # read the mail in any Maildir reader
  neomutt -f $DEMO/Mail/INBOX
  # keep syncing as mail arrives (Ctrl-C stops it)
  $MAILTWIN --config $DEMO/mailtwin.toml watch
Stop the server with: $STOP
EOF
